/**
 * PNG export of a chart: the recharts SVG is serialised, drawn on a canvas (white background,
 * 2× for sharp text) under the chart's title and above its legend, which live in HTML and
 * would otherwise be lost, then `canvas.toBlob` and a download link.
 */

/** A legend entry as drawn under the exported chart. */
export interface PngLegendItem {
  label: string;
  color: string;
  dashed?: boolean;
  dotted?: boolean;
}

const TITLE_H = 26;
const LEGEND_ROW_H = 18;
const FONT = '12px system-ui, sans-serif';

/** Loads an SVG document as an image (resolves once decoded). */
function loadSvg(xml: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('the chart could not be drawn as an image'));
    // A data URL, not a blob URL: the canvas stays untainted, so toBlob is allowed.
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(xml)}`;
  });
}

/** Lays out the legend in rows that fit `width`; returns each item's x and row. */
function legendLayout(ctx: CanvasRenderingContext2D, items: readonly PngLegendItem[], width: number): { x: number; row: number }[] {
  let x = 8;
  let row = 0;
  return items.map((item) => {
    const w = 26 + ctx.measureText(item.label).width + 14;
    if (x + w > width && x > 8) {
      x = 8;
      row += 1;
    }
    const at = { x, row };
    x += w;
    return at;
  });
}

/** The chart's SVG as a PNG blob, with `title` above and `legend` below. */
export async function chartToPng(svg: SVGSVGElement, title: string, legend: readonly PngLegendItem[], scale = 2): Promise<Blob> {
  const { width, height } = svg.getBoundingClientRect();
  if (width < 1 || height < 1) throw new Error('the chart has no size on screen');
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  clone.style.fontFamily = getComputedStyle(svg).fontFamily;
  const image = await loadSvg(new XMLSerializer().serializeToString(clone));

  const canvas = document.createElement('canvas');
  const measure = canvas.getContext('2d');
  if (!measure) throw new Error('this browser gives no 2D canvas');
  measure.font = FONT;
  const layout = legendLayout(measure, legend, width);
  const legendH = legend.length ? (Math.max(...layout.map((l) => l.row)) + 1) * LEGEND_ROW_H + 6 : 0;
  canvas.width = Math.ceil(width * scale);
  canvas.height = Math.ceil((TITLE_H + height + legendH) * scale);
  const ctx = canvas.getContext('2d')!;
  ctx.scale(scale, scale);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, TITLE_H + height + legendH);
  ctx.fillStyle = '#1c2330';
  ctx.font = 'bold 14px system-ui, sans-serif';
  ctx.fillText(title, 8, 18);
  ctx.drawImage(image, 0, TITLE_H, width, height);
  ctx.font = FONT;
  legend.forEach((item, i) => {
    const y = TITLE_H + height + 4 + layout[i].row * LEGEND_ROW_H + LEGEND_ROW_H / 2;
    ctx.strokeStyle = item.color;
    ctx.lineWidth = 2.5;
    ctx.setLineDash(item.dotted ? [1, 3] : item.dashed ? [5, 4] : []);
    ctx.beginPath();
    ctx.moveTo(layout[i].x, y);
    ctx.lineTo(layout[i].x + 20, y);
    ctx.stroke();
    ctx.fillStyle = '#1c2330';
    ctx.fillText(item.label, layout[i].x + 26, y + 4);
  });
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the browser could not encode the PNG'))), 'image/png'));
}

/** Saves a blob under `filename` through a temporary download link. */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later: some browsers read the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name from a chart title: "KL–reward plane" → "alignment-lab-kl-reward-plane.png". */
export function pngFileName(title: string): string {
  const slug = title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `alignment-lab-${slug || 'chart'}.png`;
}
