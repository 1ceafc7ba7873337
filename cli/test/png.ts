import { inflateSync } from "node:zlib";

/** A decoded 8-bit PNG (what Chromium's --screenshot writes): RGBA pixels, row by row. */
export interface Image {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** Enough of PNG for screenshots: 8-bit RGB or RGBA, not interlaced, the five filter types. */
export function decodePng(bytes: Buffer): Image {
  if (!bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) throw new Error("not a PNG");
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let off = 8; off < bytes.length; ) {
    const len = bytes.readUInt32BE(off);
    const type = bytes.toString("latin1", off + 4, off + 8);
    const data = bytes.subarray(off + 8, off + 8 + len);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, color, , , interlace] = [data[8], data[9], data[10], data[11], data[12]];
      if (depth !== 8 || interlace !== 0 || (color !== 2 && color !== 6)) throw new Error(`unsupported PNG (depth ${depth}, color ${color}, interlace ${interlace})`);
      channels = color === 6 ? 4 : 3;
    } else if (type === "IDAT") idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const cur = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels]! : 0;
      const b = prev[i]!;
      const c = i >= channels ? prev[i - channels]! : 0;
      const pa = Math.abs(b - c);
      const pb = Math.abs(a - c);
      const pc = Math.abs(a + b - 2 * c);
      const predictor = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      cur[i] = (line[i]! + predictor) & 0xff;
    }
    for (let xx = 0; xx < width; xx++) {
      const o = (y * width + xx) * 4;
      out[o] = cur[xx * channels]!;
      out[o + 1] = cur[xx * channels + 1]!;
      out[o + 2] = cur[xx * channels + 2]!;
      out[o + 3] = channels === 4 ? cur[xx * channels + 3]! : 255;
    }
    prev = cur;
  }
  return { width, height, rgba: out };
}

const hex = (color: string) => [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16)) as [number, number, number];

/** Pixels within `tolerance` of a colour (anti-aliasing blends edges), in a rectangle. */
export function countColor(img: Image, color: string, box = { x0: 0, y0: 0, x1: img.width, y1: img.height }, tolerance = 40): number {
  const [r, g, b] = hex(color);
  let n = 0;
  for (let y = Math.max(0, box.y0); y < Math.min(img.height, box.y1); y++) {
    for (let x = Math.max(0, box.x0); x < Math.min(img.width, box.x1); x++) {
      const o = (y * img.width + x) * 4;
      if (Math.abs(img.rgba[o]! - r) + Math.abs(img.rgba[o + 1]! - g) + Math.abs(img.rgba[o + 2]! - b) <= tolerance) n++;
    }
  }
  return n;
}

/** The rows where a colour fills at least `minRun` pixels: where a horizontal line of it is drawn. */
export function rowsWithColor(img: Image, color: string, minPixels: number, box = { x0: 0, x1: img.width }): number[] {
  const rows: number[] = [];
  for (let y = 0; y < img.height; y++) if (countColor(img, color, { x0: box.x0, x1: box.x1, y0: y, y1: y + 1 }) >= minPixels) rows.push(y);
  return rows;
}
