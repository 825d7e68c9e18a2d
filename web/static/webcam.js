// The learner's webcam as the input image. The camera is asked for at a small size (320 x 240): every frame
// is recomputed by every lesson, so a bigger one would only be slower. Frames are sent at most FPS times
// a second, and the camera's tracks are stopped (its light goes off) when the learner freezes it, chooses
// another image, or the page is hidden or closed. When the camera cannot be used (no permission, no
// camera, an insecure page, an iframe without allow="camera") the reason is reported and nothing else
// changes: the previous image stays.

export const FPS = 12;
export const SIZE = { width: 320, height: 240 };

// Why this page cannot use a camera at all, or '' if it may ask for one.
export function unavailableReason(win = window) {
  if (!win.isSecureContext) {
    return 'The webcam needs a secure page (https, or http://localhost); this page was opened over plain http, so the browser offers no camera.';
  }
  if (!win.navigator.mediaDevices?.getUserMedia) return 'This browser does not let web pages use a camera.';
  const policy = win.document.permissionsPolicy ?? win.document.featurePolicy;
  if (win.parent !== win && policy?.allowsFeature && !policy.allowsFeature('camera')) {
    return 'The page that embeds ConvLab does not allow the camera: its <iframe> needs allow="camera".';
  }
  return '';
}

// A getUserMedia failure as a message for the learner.
export function failureMessage(error, embedded = false) {
  const keep = ' ConvLab keeps the current image.';
  switch (error?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return (embedded
        ? 'The camera was refused (by you, the browser, or the embedding page, whose <iframe> needs allow="camera").'
        : 'The camera was refused. To use it, allow the camera for this site in the browser\'s settings and choose "webcam" again.') + keep;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No camera was found.${keep}`;
    case 'NotReadableError':
    case 'AbortError':
      return `The camera could not be started (another program may be using it).${keep}`;
    default:
      return `The camera could not be used${error?.message ? ` (${String(error.message).slice(0, 120)})` : ''}.${keep}`;
  }
}

// onFrame(width, height, rgbaBytes), onStatus('off' | 'starting' | 'live' | 'frozen'), onError(message).
export class Webcam {
  constructor({ onFrame, onStatus, onError }) {
    Object.assign(this, { onFrame, onStatus, onError });
    this.serial = 0;       // each start and stop; a start that finishes after a later stop gives up
    this.stream = null;
    this.timer = 0;
    this.hasFrame = false; // a frame was sent: freezing leaves a still
    this.video = document.createElement('video');
    this.video.muted = true;
    this.video.playsInline = true;
    this.canvas = document.createElement('canvas');
  }

  get live() { return this.stream !== null; }

  async start() {
    if (this.stream) return;
    const serial = ++this.serial;
    const reason = unavailableReason();
    if (reason) { this.onError(`${reason} ConvLab keeps the current image.`); return; }
    this.onStatus('starting');
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { width: { ideal: SIZE.width }, height: { ideal: SIZE.height }, frameRate: { ideal: FPS } },
      });
    } catch (e) {
      if (serial !== this.serial) return;
      this.onStatus(this.hasFrame ? 'frozen' : 'off');
      this.onError(failureMessage(e, window.parent !== window));
      return;
    }
    if (serial !== this.serial) { stream.getTracks().forEach((t) => t.stop()); return; }  // stopped meanwhile
    this.stream = stream;
    this.video.srcObject = stream;
    try {
      await this.video.play();
    } catch (e) {
      if (serial === this.serial) { this.release(this.hasFrame ? 'frozen' : 'off'); this.onError(failureMessage(e)); }
      return;
    }
    if (serial !== this.serial) return;
    this.onStatus('live');
    this.next(serial);
  }

  // One frame, then the next after 1/FPS s; the first waits for the video to have a picture.
  next(serial) {
    this.timer = setTimeout(() => {
      if (serial !== this.serial || !this.stream) return;
      const { videoWidth: w, videoHeight: h } = this.video;
      if (w > 0 && h > 0 && this.video.readyState >= 2) {
        // Never more than 640 on a side, whatever the camera gives.
        const scale = Math.min(1, 640 / Math.max(w, h));
        const cw = Math.max(1, Math.round(w * scale)), ch = Math.max(1, Math.round(h * scale));
        if (this.canvas.width !== cw || this.canvas.height !== ch) { this.canvas.width = cw; this.canvas.height = ch; }
        const ctx = this.canvas.getContext('2d', { willReadFrequently: true });
        ctx.drawImage(this.video, 0, 0, cw, ch);
        const { data } = ctx.getImageData(0, 0, cw, ch);
        this.hasFrame = true;
        this.onFrame(cw, ch, new Uint8Array(data.buffer));
      }
      this.next(serial);
    }, 1000 / FPS);
  }

  // Keep the last frame as a still and turn the camera off.
  freeze() { this.release(this.hasFrame ? 'frozen' : 'off'); }
  // Turn the camera off (another image was chosen).
  stop() { this.release('off'); }

  release(status) {
    ++this.serial;
    clearTimeout(this.timer);
    if (this.stream) this.stream.getTracks().forEach((t) => t.stop());
    this.stream = null;
    this.video.srcObject = null;
    this.onStatus(status);
  }
}
