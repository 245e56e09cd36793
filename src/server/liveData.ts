import type { LiveSiteNumbers, LiveSitesNotification } from '../shared/lspProtocol';

/** Live per-site numbers sent by the extension, per document URI. */
export class LiveData {
  private readonly byUri = new Map<string, LiveSiteNumbers[]>();

  /** Merge a notification; returns true when anything changed (so lenses need a refresh). */
  apply(p: LiveSitesNotification.Params): boolean {
    const before = JSON.stringify([...this.byUri]);
    if (p.replace) this.byUri.clear();
    for (const f of p.files) {
      const uri = normalizeUri(f.uri);
      if (f.sites.length) this.byUri.set(uri, f.sites);
      else this.byUri.delete(uri);
    }
    return JSON.stringify([...this.byUri]) !== before;
  }

  /** Live numbers for a document, if any. */
  get(uri: string): LiveSiteNumbers[] | undefined {
    return this.byUri.get(normalizeUri(uri));
  }
}

/** VS Code percent-encodes `:` in drive letters and may differ in case; compare a canonical form. */
export function normalizeUri(uri: string): string {
  try {
    return decodeURIComponent(uri).replace(/^file:\/\/\/([A-Za-z]):/, (_m, d: string) => `file:///${d.toLowerCase()}:`);
  } catch {
    return uri;
  }
}
