// Images in and out of the page: the learner's own file (checked, decoded by the browser, scaled down)
// and the PNG export. The core never parses files; it only receives RGBA pixels.
//
// A file is refused, with a message that says why, when it is empty, larger than MAX_FILE_BYTES, not an
// image the browser can decode, or has more pixels than MAX_SIDE / MAX_PIXELS allow. The size is read
// from the file's header *before* decoding, so a small file claiming 20000 x 20000 pixels (a
// "decompression bomb") never reaches the decoder.

export const MAX_FILE_BYTES = 50 * 1024 * 1024;
export const MAX_SIDE = 16384;            // browsers' own canvas limit per side
export const MAX_PIXELS = 50_000_000;     // a 50-megapixel photo decodes to 200 MB of RGBA
export const MAX_WORKING_SIDE = 1024;     // what the lessons get: larger images are scaled down

// An error whose message is meant for the learner as it is.
export class ImageInputError extends Error {}

const megabytes = (n) => `${(n / (1024 * 1024)).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;

// A file name as shown in a message: printable, short. Messages are always shown as text, never HTML,
// and in plain ASCII punctuation: the playground's font has no curly quotes or multiplication sign.
export function displayName(name) {
  const clean = String(name ?? '').replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > 60 ? `${clean.slice(0, 57)}...` : clean || 'the file';
}

// Width and height from the first bytes of a PNG, GIF, BMP, WebP or JPEG file; null if the format is
// not one of those or the header is cut short (the decoder then decides).
export function headerSize(bytes) {
  const b = bytes;
  const u16be = (i) => (b[i] << 8) | b[i + 1];
  const u16le = (i) => b[i] | (b[i + 1] << 8);
  const u24le = (i) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
  const u32be = (i) => ((b[i] << 24) >>> 0) + ((b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]);
  const i32le = (i) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
  const ascii = (i, n) => String.fromCharCode(...b.subarray(i, i + n));
  if (b.length >= 24 && u32be(0) === 0x89504e47 && ascii(12, 4) === 'IHDR') return { format: 'PNG', width: u32be(16), height: u32be(20) };
  if (b.length >= 10 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) return { format: 'GIF', width: u16le(6), height: u16le(8) };
  if (b.length >= 26 && ascii(0, 2) === 'BM') {
    if (i32le(14) === 12) return { format: 'BMP', width: u16le(18), height: u16le(20) };
    return { format: 'BMP', width: Math.abs(i32le(18)), height: Math.abs(i32le(22)) };
  }
  if (b.length >= 30 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') {
    const chunk = ascii(12, 4);
    if (chunk === 'VP8 ') return { format: 'WebP', width: u16le(26) & 0x3fff, height: u16le(28) & 0x3fff };
    if (chunk === 'VP8L') {
      const [b0, b1, b2, b3] = b.subarray(21, 25);
      return { format: 'WebP', width: 1 + (((b1 & 0x3f) << 8) | b0), height: 1 + (((b3 & 0xf) << 10) | (b2 << 2) | ((b1 & 0xc0) >> 6)) };
    }
    if (chunk === 'VP8X') return { format: 'WebP', width: 1 + u24le(24), height: 1 + u24le(27) };
    return null;
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    // JPEG: walk the segments to the first start-of-frame marker (C0..CF except C4, C8, CC).
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return null;
      const marker = b[i + 1];
      if (marker === 0xff) { i += 1; continue; }  // fill byte
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
        return { format: 'JPEG', width: u16be(i + 7), height: u16be(i + 5) };
      if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) { i += 2; continue; }
      i += 2 + u16be(i + 2);
    }
  }
  return null;
}

function checkDimensions(name, width, height) {
  if (width < 1 || height < 1) throw new ImageInputError(`${name} says it is ${width} x ${height} pixels, which is not an image ConvLab can use.`);
  if (width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PIXELS) {
    throw new ImageInputError(`${name} is ${width} x ${height} pixels: too large to open safely in a browser ` +
      `(at most ${MAX_SIDE} pixels on a side and ${MAX_PIXELS / 1e6} megapixels). Please use a smaller image.`);
  }
}

// Decodes a File or Blob into RGBA pixels at most MAX_WORKING_SIDE on the longer side.
// Returns {width, height, data: Uint8ClampedArray, originalWidth, originalHeight}; throws ImageInputError.
export async function decodeUpload(file) {
  const name = `"${displayName(file?.name)}"`;
  if (!(file instanceof Blob)) throw new ImageInputError('That is not a file ConvLab can open.');
  if (file.size === 0) throw new ImageInputError(`${name} is empty (0 bytes), so there is no image to open.`);
  if (file.size > MAX_FILE_BYTES) throw new ImageInputError(`${name} is ${megabytes(file.size)}; ConvLab opens images up to ${megabytes(MAX_FILE_BYTES)}.`);
  if (file.type && !file.type.startsWith('image/')) {
    throw new ImageInputError(`${name} is not an image (its type is ${displayName(file.type)}). ConvLab opens PNG, JPEG, GIF, WebP and BMP files.`);
  }
  let header;
  try {
    header = headerSize(new Uint8Array(await file.slice(0, 512 * 1024).arrayBuffer()));
  } catch {
    throw new ImageInputError(`${name} could not be read from the disk.`);
  }
  if (header) checkDimensions(name, header.width, header.height);

  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new ImageInputError(`${name} could not be decoded: it is damaged or not an image. ConvLab opens PNG, JPEG, GIF, WebP and BMP files.`);
  }
  try {
    checkDimensions(name, bitmap.width, bitmap.height);  // formats whose header we do not read
    return rasterise(bitmap, MAX_WORKING_SIDE);
  } catch (e) {
    if (e instanceof ImageInputError) throw e;
    throw new ImageInputError(`${name} could not be opened: the browser ran out of memory or refused to draw it.`);
  } finally {
    bitmap.close();
  }
}

// Draws a bitmap scaled to fit maxSide (never enlarged) on white (transparent parts would otherwise be
// black) and reads its pixels back.
export function rasterise(bitmap, maxSide = Infinity) {
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d context');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, width, height);
  const { data } = ctx.getImageData(0, 0, width, height);
  return { width, height, data, originalWidth: bitmap.width, originalHeight: bitmap.height };
}

// A file name safe on every system: letters, digits, dot, dash and underscore, ending in .png.
export function safePngName(name) {
  let base = String(name ?? '').split(/[\\/]/).pop().replace(/\.png$/i, '');
  base = base.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '').replace(/-+$/, '').slice(0, 80);
  return `${base || 'convlab'}.png`;
}

// Encodes RGBA pixels as PNG and starts a download. `rgba` is copied before anything else: the module
// passes a view of its own memory that the next frame may reuse.
export function downloadPng(filename, width, height, rgba) {
  const pixels = new Uint8ClampedArray(rgba);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE ||
      pixels.length !== width * height * 4) {
    return Promise.reject(new ImageInputError(`The PNG could not be made: ${width} x ${height} pixels do not match ${pixels.length} bytes.`));
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d').putImageData(new ImageData(pixels, width, height), 0, 0);
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (!blob) { reject(new ImageInputError('The browser could not encode the PNG.')); return; }
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = safePngName(filename);
      a.hidden = true;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 30_000);
      resolve(a.download);
    }, 'image/png');
  });
}
