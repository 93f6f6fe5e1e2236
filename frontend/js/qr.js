// QR codes, drawn by uqr as SVG and shown as an image (img-src allows blob:).
import { renderSVG } from '../vendor/uqr/index.js';

export function qrImage(text, alt) {
  const svg = renderSVG(text, { border: 2, ecc: 'M' });
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  const img = document.createElement('img');
  img.className = 'qr';
  img.alt = alt;
  img.width = 240;
  img.height = 240;
  img.src = url;
  img.addEventListener('load', () => URL.revokeObjectURL(url), { once: true });
  return img;
}
