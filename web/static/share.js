// Sharing: the link to this view, the <iframe> snippet for a tutorial, the clipboard (with a text box to
// copy from where the clipboard is unavailable, e.g. a page served over plain http), and short notices.
// Everything is put into the page with textContent / value, never as HTML.

const noticeBox = document.getElementById('notice');
const copyBox = document.getElementById('copybox');
const copyTitle = document.getElementById('copybox-title');
const copyText = document.getElementById('copybox-text');
let noticeTimer = 0;

// A short message at the bottom of the page ("Link copied"); kind 'error' shows it in red.
export function notice(text, kind = 'info', ms = 4000) {
  noticeBox.textContent = text;
  noticeBox.dataset.kind = kind;
  noticeBox.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { noticeBox.hidden = true; }, ms);
}

export function hideNotice() {
  clearTimeout(noticeTimer);
  noticeBox.hidden = true;
}

// The page's address without its hash, then the given hash.
export function linkTo(hash) {
  const base = location.href.split('#')[0];
  return hash ? `${base}#${hash}` : base;
}

const escapeAttribute = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const EMBED_WIDTH = 800;
export const EMBED_HEIGHT = 560;

// The snippet a tutorial author pastes: this view in embed mode (no menus), a title for screen readers.
export function embedCode(hash, lessonTitle) {
  const withEmbed = /(^|&)embed=1(&|$)/.test(hash) ? hash : (hash ? `${hash}&embed=1` : 'embed=1');
  const title = `ConvLab: ${lessonTitle || 'interactive convolution'}`;
  return `<iframe src="${escapeAttribute(linkTo(withEmbed))}" width="${EMBED_WIDTH}" height="${EMBED_HEIGHT}" ` +
    `title="${escapeAttribute(title)}" style="border:0;max-width:100%" loading="lazy"></iframe>`;
}

// Copies text to the clipboard and says so; if the browser refuses, shows it in a box to copy by hand.
export async function copyToClipboard(text, what) {
  try {
    if (!window.isSecureContext || !navigator.clipboard?.writeText) throw new Error('no clipboard');
    await navigator.clipboard.writeText(text);
    notice(`${what} copied`);
  } catch {
    showCopyBox(text, what);
  }
}

function showCopyBox(text, what) {
  copyTitle.textContent = `Copy the ${what.toLowerCase()}`;
  copyText.value = text;
  copyBox.hidden = false;
  copyText.focus();
  copyText.select();
}

function closeCopyBox() {
  copyBox.hidden = true;
  document.getElementById('canvas').focus();
}

document.getElementById('copybox-copy').addEventListener('click', () => {
  copyText.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch { ok = false; }
  if (ok) { closeCopyBox(); notice('Copied'); } else notice('Press Ctrl+C (or ⌘C) to copy the selected text', 'info', 6000);
});
document.getElementById('copybox-close').addEventListener('click', closeCopyBox);
// Keys typed in the box are the box's: SDL listens on the window and would take them for the canvas.
copyBox.addEventListener('keydown', (e) => {
  e.stopPropagation();
  if (e.key === 'Escape') closeCopyBox();
});
for (const type of ['keyup', 'keypress']) copyBox.addEventListener(type, (e) => e.stopPropagation());
