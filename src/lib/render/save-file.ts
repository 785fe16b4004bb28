// Hands text to the browser as a file download (exports of tables and reports).

export function saveFile(fileName: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
  link.click();
  // The click starts the download synchronously; the URL only has to outlive that.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
