import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { isLoopback, type CorsPolicy } from './gateway.config';

/** A `Host` header split into a canonical host name and its port ('' when it names none). */
interface HostName {
  hostname: string;
  port: string;
}

/** One configured public URL: the origin browsers use and the Host header that names it. */
interface PublicSite {
  origin: string;
  hostname: string;
  port: string;
  tls: boolean;
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/**
 * Which names the gateway answers to and which browser origins it serves, from `PUBLIC_URL`
 * and `CORS_ORIGINS`. A DNS-rebinding page controls both `Host` and `Origin`, so neither is
 * ever compared with the other alone: the `Host` must be a configured name (without
 * `PUBLIC_URL`, a loopback name or address, which no outside DNS answer can make a page's own),
 * and the `Origin` must be one of the configured origins.
 */
export class OriginPolicy {
  private readonly sites: PublicSite[];

  constructor(
    publicUrls: readonly string[],
    private readonly cors: CorsPolicy,
  ) {
    this.sites = publicUrls.map((raw) => {
      const url = new URL(raw);
      return {
        origin: url.origin,
        hostname: url.hostname,
        port: url.port || DEFAULT_PORTS[url.protocol],
        tls: url.protocol === 'https:',
      };
    });
  }

  /** Does the `Host` header name this gateway? */
  hostAllowed(hostHeader: string | undefined): boolean {
    const host = parseHost(hostHeader);
    if (!host) return false;
    if (this.sites.length === 0) return isLoopback(host.hostname);
    return this.sites.some((site) => sameSite(site, host));
  }

  /**
   * May a browser page of this `Origin` call the gateway? No Origin means a non-browser client,
   * which neither CORS nor rebinding concerns. Without `PUBLIC_URL` the page's own origin is a
   * loopback one on the port the request came to (another local port is another site).
   */
  originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
    if (origin === undefined || origin === '') return true;
    if (this.cors.kind === 'any') return true;
    if (this.cors.kind === 'list' && this.cors.origins.includes(origin)) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    if (url.origin !== origin || !(url.protocol in DEFAULT_PORTS)) return false;
    if (this.sites.length > 0) return this.sites.some((site) => site.origin === origin);
    const host = parseHost(hostHeader);
    return (
      host !== null &&
      isLoopback(url.hostname) &&
      isLoopback(host.hostname) &&
      (url.port || DEFAULT_PORTS[url.protocol]) === (host.port || DEFAULT_PORTS[url.protocol])
    );
  }

  /**
   * Did the browser reach this request over TLS: directly, or through a TLS proxy at an
   * `https:` public URL (the gateway then sees plain HTTP, but the browser is on https)?
   */
  servedOverTls(request: IncomingMessage): boolean {
    if ((request.socket as Partial<TLSSocket>).encrypted === true) return true;
    const host = parseHost(request.headers.host);
    return host !== null && this.sites.some((site) => site.tls && sameSite(site, host));
  }
}

/** A request without a port in its Host came to the scheme's default port. */
function sameSite(site: PublicSite, host: HostName): boolean {
  return (
    site.hostname === host.hostname &&
    (host.port === '' ? site.port === (site.tls ? '443' : '80') : site.port === host.port)
  );
}

/**
 * `name[:port]` or `[v6][:port]`, with the name canonical as URLs have it (lower case, IDNA,
 * IPv4 dotted); null for anything else (a path, user info, several hosts, no header).
 */
function parseHost(header: string | undefined): HostName | null {
  if (header === undefined) return null;
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^\s:/?#@[\]\\]+)(?::(\d{1,5}))?$/.exec(header);
  if (!match) return null;
  let hostname: string;
  try {
    hostname = new URL(`http://${match[1]}`).hostname;
  } catch {
    return null;
  }
  if (hostname === '') return null;
  return { hostname, port: match[2] ?? '' };
}
