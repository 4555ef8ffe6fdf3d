/**
 * What each client gets for one address, from the same services the client routes use:
 * the document as the route would answer it, and the account the client would set up
 * from it, in one line. The admin API answers it as JSON (snake_case, docs/admin-api.md).
 */

export const PREVIEW_CLIENTS = ['thunderbird', 'outlook', 'apple', 'k9'] as const;
export type PreviewClient = (typeof PREVIEW_CLIENTS)[number];

export interface ClientPreview {
  readonly client: PreviewClient;
  /** `Thunderbird`, `Outlook`, `Apple Mail and iOS`, `Thunderbird for Android (K-9)`. */
  readonly label: string;
  /** The request that client sends, e.g. `GET /mail/config-v1.1.xml?emailaddress=alice%40example.org`. */
  readonly request: string;
  /** The HTTP status the route answers (200, 204, 400 …). */
  readonly status: number;
  readonly contentType: string | null;
  /** The body as text (the Apple profile unsigned, as XML); '' when there is none. */
  readonly document: string;
  /** Whether the client sets up an account from it. */
  readonly accepted: boolean;
  /**
   * One line: `IMAP imap.example.com:993 TLS, password, user alice@example.org; SMTP
   * smtp.example.com:587 STARTTLS, password, user alice@example.org`, or why there is
   * none: `rejects the document: no IMAP server (POP only)`.
   */
  readonly summary: string;
}

export interface Preview {
  readonly address: string;
  /** The domain as stored. */
  readonly domain: string;
  readonly clients: readonly ClientPreview[];
}
