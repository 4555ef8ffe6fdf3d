import { useState } from 'preact/hooks';
import { apiPath, ApiError, callApi, errorMessage, REFUSED_MESSAGE } from '../api';
import { saveToken } from '../token';

interface SignInProps {
  /** Why the console signed out (a refused token), shown until the next attempt. */
  readonly notice: string | null;
  readonly onSignedIn: (token: string) => void;
}

/** Takes the token the operator pastes and keeps it once the API accepts it. */
export function SignIn({ notice, onSignedIn }: SignInProps) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    const candidate = token.trim();
    if (candidate === '') {
      setProblem('Paste an admin token first (automx2-nest token create NAME).');
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const answer = await callApi(apiPath('domains', { limit: '1' }), { token: candidate });
      if (answer.status === 200) {
        saveToken(candidate);
        onSignedIn(candidate);
        return;
      }
      setProblem(
        answer.status === 401
          ? REFUSED_MESSAGE
          : answer.status === 404
            ? 'The admin API is not enabled on this server (admin_tokens_file).'
            : errorMessage(answer),
      );
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  const message = problem ?? notice;
  return (
    <section aria-labelledby="sign-in-title" class="sign-in">
      <h2 id="sign-in-title" tabIndex={-1}>
        Sign in
      </h2>
      <form onSubmit={(event) => void submit(event)}>
        <div class="field">
          <label for="token">Admin token</label>
          <input
            id="token"
            type="password"
            autocomplete="off"
            spellcheck={false}
            value={token}
            onInput={(event) => setToken(event.currentTarget.value)}
            aria-describedby="token-hint"
          />
          <p id="token-hint" class="hint">
            Kept in this tab only (sessionStorage) until you sign out or close it.
          </p>
        </div>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      {message !== null && (
        <p role="alert" class="alert">
          {message}
        </p>
      )}
    </section>
  );
}
