// Links from model answers that the user chose to open. Opening one leaves the app: what that page
// loads and sends is outside the privacy counter, so the privacy panel lists them apart.
export interface OpenedLink {
  url: string;
  at: number;
}

export class OpenedLinks {
  list = $state.raw<OpenedLink[]>([]);

  record(url: string, at = Date.now()): void {
    this.list = [...this.list, { url, at }];
  }
}

/** One list for the whole page: every answer view records into it, the privacy panel reads it. */
export const openedLinks = new OpenedLinks();
