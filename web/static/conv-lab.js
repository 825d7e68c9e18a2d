// <conv-lab>: a ConvLab lesson in a tutorial page, in one line.
//
//   <script type="module" src="https://your.site/convlab/conv-lab.js"></script>
//   <conv-lab lesson="padding" pad="reflect" k="5"></conv-lab>
//
// The element makes an <iframe> of the playground in embed mode. Its attributes are the playground's URL
// hash keys (lesson, k, p, s, hide, show...: README, "Embedding in a tutorial"; an attribute with no value
// means 1), except the element's own:
//   src, base     the playground page, or the folder it is in (default: the folder this module is served from)
//   height        a fixed height (CSS pixels, or any CSS length); without it the frame follows its content
//   min-height, max-height   the bounds of that auto-height, in CSS pixels (240 and 2000 unless given)
//   title         the frame's title for screen readers (default "ConvLab: the <lesson> lesson")
//   loading       the frame's loading attribute ("lazy" unless given)
// and HTML's global attributes (id, class, style, hidden, data-*, aria-*, event handlers...).
//
// Auto-height: the element asks for autoheight=1, the playground lays itself out for the frame's width
// alone and posts {type: 'convlab:height', height}; the element sets the frame to that height. Such a
// frame has nothing to scroll, so a swipe over it comes back as {type: 'convlab:scroll', y} and scrolls
// the window (the wheel scrolls it by itself).
// An attribute changed later goes to the running playground as {type: 'convlab:setState'}, so whatever the
// learner changed meanwhile stays; a value the playground refuses leaves its state as it was, and the
// playground's own message shows under the frame. Nothing from an attribute is ever inserted as HTML.

const MODULE_FOLDER = new URL('.', import.meta.url).href;
const OWN_ATTRIBUTES = new Set(['src', 'base', 'height', 'min-height', 'max-height', 'title', 'loading']);
// Global attributes that are not reflected under their own name as an HTMLElement property.
const GLOBAL_ATTRIBUTES = new Set(['class', 'tabindex', 'contenteditable', 'accesskey', 'autocapitalize', 'enterkeyhint',
  'inputmode', 'exportparts', 'is', 'itemid', 'itemprop', 'itemref', 'itemscope', 'itemtype', 'virtualkeyboardpolicy',
  'role', 'slot', 'part', 'nonce', 'popover', 'inert', 'autofocus']);
export const isHashKey = (name) => !OWN_ATTRIBUTES.has(name) && !GLOBAL_ATTRIBUTES.has(name) &&
  !name.startsWith('data-') && !name.startsWith('aria-') && !(name in HTMLElement.prototype);  // id, style, onclick...

const DEFAULT_MIN_HEIGHT = 240;   // the smallest frame the playground is laid out for
const DEFAULT_MAX_HEIGHT = 2000;  // past this the frame scrolls inside instead of growing
const START_HEIGHT = 480;         // until the playground says what it needs

// As page.js writes the hash: ',' and ':' stay readable, everything that could end a key or value is escaped.
const encodePart = (s) => encodeURIComponent(s).replace(/%2C/gi, ',').replace(/%3A/gi, ':');
const hashOf = (state) => Object.entries(state).map(([k, v]) => `${encodePart(k)}=${encodePart(v)}`).join('&');
const quoted = (s) => JSON.stringify(String(s).slice(0, 60));

const STYLE = `
  :host { display: block; }
  :host([hidden]) { display: none; }
  iframe { display: block; width: 100%; border: 0; background: #17191e; }
  p { margin: 6px 0 0; font: 14px/1.4 system-ui, sans-serif; color: #b3261e; overflow-wrap: anywhere; }
`;

class ConvLabElement extends HTMLElement {
  #frame = null;
  #message = null;
  #watcher = null;
  #page = '';           // the playground's address the frame shows, without hash
  #started = {};        // the keys the frame's hash started with
  #ready = false;       // the playground has said convlab:ready since the frame last loaded
  #defaults = null;     // every key's default, from convlab:ready (to undo a removed attribute)
  #height = 0;          // the frame's auto-height, CSS pixels
  #asked = 0;           // the height the playground asked for, before the bounds (0: not yet)
  #grewAtWidth = null;  // the frame's width when auto-height last grew it (see #takeHeight)
  #fingerY = 0;         // a swipe handed over by the playground: the finger's last place in this window
  #elementError = '';   // about the element's own attributes
  #playgroundError = '';

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = STYLE;
    this.#frame = document.createElement('iframe');
    this.#frame.setAttribute('part', 'frame');
    this.#message = document.createElement('p');
    this.#message.setAttribute('role', 'alert');
    this.#message.setAttribute('part', 'error');
    this.#message.hidden = true;
    root.append(style, this.#frame, this.#message);
    this.#watcher = new MutationObserver((records) => this.#attributesChanged(records));
  }

  connectedCallback() {
    window.addEventListener('message', this.#onMessage);
    window.addEventListener('resize', this.#onResize);
    this.#watcher.observe(this, { attributes: true, attributeOldValue: true });
    if (!this.#page) this.#load();
  }

  disconnectedCallback() {
    window.removeEventListener('message', this.#onMessage);
    window.removeEventListener('resize', this.#onResize);
    this.#watcher.disconnect();
  }

  // The iframe, for scripts that want to talk to the playground themselves.
  get frame() { return this.#frame; }

  // ---- what the attributes ask for -----------------------------------------------------------------
  // The playground's address from src or base, or '' (and a message) if it is not a URL.
  #pageAddress() {
    const src = this.getAttribute('src');
    const base = this.getAttribute('base');
    try {
      const url = src ? new URL(src, document.baseURI) : new URL(base ? base.replace(/\/?$/, '/') : MODULE_FOLDER, document.baseURI);
      url.hash = '';
      return url.href;
    } catch {
      this.#elementError = `conv-lab: ${src ? 'src' : 'base'} ${quoted(src || base)} is not a web address.`;
      return '';
    }
  }

  // A fixed height as CSS, or null for auto-height (also when the attribute is not a length: with a message).
  #fixedHeight() {
    const text = this.getAttribute('height');
    if (text === null || text.trim() === '') return null;
    if (/^\d+(\.\d+)?$/.test(text.trim())) return `${text.trim()}px`;
    if (CSS.supports('height', text)) return text;
    this.#elementError = `conv-lab: height must be a number of CSS pixels or a CSS length such as 70vh, got ${quoted(text)}; the frame follows its content instead.`;
    return null;
  }

  #bound(name, fallback) {
    const text = this.getAttribute(name);
    if (text === null) return fallback;
    const n = Number(text);
    if (text.trim() !== '' && Number.isFinite(n) && n >= 0) return n;
    this.#elementError = `conv-lab: ${name} must be a number of CSS pixels, got ${quoted(text)}; using ${fallback}.`;
    return fallback;
  }

  #bounds() {
    const min = this.#bound('min-height', DEFAULT_MIN_HEIGHT);
    return { min, max: Math.max(min, this.#bound('max-height', DEFAULT_MAX_HEIGHT)) };
  }

  // The URL keys the attributes set, lesson first; embed=1 and (without a fixed height) autoheight=1
  // unless an attribute says otherwise.
  #wantedState() {
    const state = {};
    if (this.hasAttribute('lesson')) state.lesson = this.getAttribute('lesson');
    for (const { name, value } of this.attributes) if (isHashKey(name)) state[name] = value === '' ? '1' : value;
    state.embed ??= '1';
    if (this.#fixedHeight() === null) state.autoheight ??= '1';
    return state;
  }

  // ---- the frame ---------------------------------------------------------------------------------------
  // (Re)loads the frame from the attributes.
  #load() {
    this.#elementError = '';
    this.#playgroundError = '';
    this.#ready = false;
    this.#requests.clear();
    this.#page = this.#pageAddress();
    this.#started = this.#wantedState();
    this.#setTitle();
    this.#frame.loading = this.getAttribute('loading') || 'lazy';
    this.#size();
    if (this.#page) this.#frame.src = `${this.#page}#${hashOf(this.#started)}`;
    this.#showMessage();
  }

  #setTitle() {
    const lesson = this.getAttribute('lesson') || 'kernel';
    this.#frame.title = this.getAttribute('title') || `ConvLab: the ${lesson.replace(/-/g, ' ')} lesson`;
  }

  #size() {
    const fixed = this.#fixedHeight();
    const { min, max } = this.#bounds();
    if (fixed !== null) {
      this.#frame.style.height = fixed;
      return;
    }
    this.#height = Math.min(max, Math.max(min, this.#asked || START_HEIGHT));
    this.#frame.style.height = `${this.#height}px`;
  }

  #showMessage() {
    const text = [this.#elementError, this.#playgroundError].filter(Boolean).join(' ');
    this.#message.textContent = text;
    this.#message.hidden = !text;
  }

  #attributesChanged(records) {
    const names = new Set(records.map((r) => r.attributeName));
    if (![...names].some((n) => OWN_ATTRIBUTES.has(n) || isHashKey(n))) return;  // class, style, data-*...
    if (names.has('src') || names.has('base')) { this.#load(); return; }
    this.#elementError = '';
    this.#playgroundError = '';
    this.#setTitle();
    if (names.has('loading')) this.#frame.loading = this.getAttribute('loading') || 'lazy';
    if (names.has('height') || names.has('min-height') || names.has('max-height')) this.#grewAtWidth = null;
    this.#size();
    if (this.#ready) this.#sendChanges();
    this.#showMessage();
  }

  // What the running playground was asked for (undefined: a refused key, sent again next time); the
  // keys that differ from it are sent.
  #lastSent = {};
  #requests = new Map();  // id of a setState in flight -> its keys
  #nextRequest = 1;

  #sendChanges() {
    const previous = this.#lastSent;
    const wanted = this.#wantedState();
    const changes = {};
    for (const [k, v] of Object.entries(wanted)) if (previous[k] !== v) changes[k] = v;
    for (const k of Object.keys(previous)) {
      if (k in wanted || previous[k] === undefined) continue;  // kept, or never applied: nothing to undo
      if (!this.#defaults || !(k in this.#defaults)) {  // no default to set it back to: the whole state by the hash
        this.#lastSent = wanted;
        this.#frame.src = `${this.#page}#${hashOf(wanted)}`;
        return;
      }
      changes[k] = this.#defaults[k];
    }
    this.#lastSent = wanted;
    if (Object.keys(changes).length === 0) return;
    const id = this.#nextRequest++;
    this.#requests.set(id, Object.keys(changes));
    const origin = new URL(this.#page).origin;  // 'null' for a file: page, which no target origin can name
    this.#frame.contentWindow?.postMessage({ type: 'convlab:setState', state: changes, id }, origin === 'null' ? '*' : origin);
  }

  // ---- messages from the playground -------------------------------------------------------------------
  #onMessage = (event) => {
    if (event.source !== this.#frame.contentWindow || event.source === null) return;
    const data = event.data;
    if (data === null || typeof data !== 'object' || typeof data.type !== 'string' || !data.type.startsWith('convlab:')) return;
    const request = this.#requests.get(data.id);
    this.#requests.delete(data.id);
    if (data.type === 'convlab:ready') {
      this.#ready = true;
      this.#defaults = data.defaults && typeof data.defaults === 'object' ? data.defaults : null;
      this.#lastSent = this.#started;
      this.#sendChanges();  // attributes changed while it loaded
    } else if (data.type === 'convlab:height') {
      this.#takeHeight(data.height);
      return;
    } else if (data.type === 'convlab:scroll') {
      // A swipe over a frame as tall as its content: the window moves with the finger. The finger's place in
      // this window is the frame's top plus its place in the frame (the frame moves as the window scrolls).
      if (this.#fixedHeight() !== null || !Number.isFinite(data.y)) return;
      const fingerY = this.#frame.getBoundingClientRect().top + data.y;
      const dy = Number.isFinite(data.dy) ? data.dy : fingerY - this.#fingerY;  // dy: the start of the swipe
      this.#fingerY = fingerY;
      window.scrollBy(0, -dy);
      return;
    } else if (data.type === 'convlab:error') {
      // setState is all or nothing: none of the request's keys were applied.
      for (const k of request ?? []) this.#lastSent[k] = undefined;
      this.#playgroundError = `ConvLab kept its settings: ${String(data.message)}`;
      this.#showMessage();
    }
    this.dispatchEvent(new CustomEvent(data.type, { detail: data }));
  };

  // The height the playground's content needs. A growth of the frame can make the page around it
  // narrower (a scrollbar appears), and a narrower playground needs less height, which would remove the
  // scrollbar again, and so on: so after a growth, a smaller height asked for at a different width is
  // not taken (the frame keeps the larger) until the window is resized or an attribute changes.
  #takeHeight(height) {
    if (this.#fixedHeight() !== null || typeof height !== 'number' || !Number.isFinite(height)) return;
    const { min, max } = this.#bounds();
    const wanted = Math.min(max, Math.max(min, Math.ceil(height)));
    const width = Math.round(this.#frame.getBoundingClientRect().width);
    if (wanted < this.#height && this.#grewAtWidth !== null && width !== this.#grewAtWidth) return;
    this.#asked = Math.ceil(height);
    if (wanted === this.#height) return;
    this.#grewAtWidth = wanted > this.#height ? width : null;
    this.#height = wanted;
    this.#frame.style.height = `${wanted}px`;
    this.dispatchEvent(new CustomEvent('convlab:resize', { detail: { height: wanted } }));
  }

  #onResize = () => { this.#grewAtWidth = null; };
}

if (!customElements.get('conv-lab')) customElements.define('conv-lab', ConvLabElement);
export default ConvLabElement;
