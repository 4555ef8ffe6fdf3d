/**
 * The admin token: in memory, and in sessionStorage so a reload keeps the sign-in
 * while the tab lives. Never a cookie: the client routes must not receive it.
 */
export const TOKEN_KEY = 'automx2-admin-token';

let current: string | null = null;

export function loadToken(): string | null {
  if (current !== null) return current;
  try {
    current = window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    current = null;
  }
  return current;
}

export function saveToken(token: string): void {
  current = token;
  try {
    window.sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage refused (private mode, quota): the token lives in memory only.
  }
}

export function clearToken(): void {
  current = null;
  try {
    window.sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Nothing stored.
  }
}
