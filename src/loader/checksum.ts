/**
 * 64 bits (as 16 hex digits) from two 32-bit FNV-1a passes over `text`: a checksum, not a
 * cryptographic hash. node:crypto costs ~5 ms to load, more than this takes on a 1 MB text.
 */
export function checksum(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
