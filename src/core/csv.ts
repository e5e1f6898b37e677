/** CSV cells as the lab writes them (run metrics, the farm's comparisons). */

/**
 * A text cell: quoted when it holds a comma, quote or line break (RFC 4180), and prefixed with
 * an apostrophe when a spreadsheet would read it as a formula (OWASP's advice on CSV injection).
 */
export function csvField(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
