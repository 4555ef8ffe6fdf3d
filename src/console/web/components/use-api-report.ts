import { useRef, useState } from 'preact/hooks';
import { ApiError, callApi, errorMessage } from '../api';
import { isErrorBody } from '../problems';

/**
 * A report the console asks the API for (findings, DNS records, preview) and asks for
 * again on demand. Only the latest call counts: an answer to an earlier one that comes
 * late is dropped. A 401 changes nothing here (the console signs out); another failure
 * keeps the last report and says why in `problem`.
 */
export interface ApiReport<T> {
  readonly report: T | null;
  readonly problem: string | null;
  /** The API's message when it refused the input named by `inputField` (400). */
  readonly inputProblem: string | undefined;
  /** Whether the latest call is still running. */
  readonly loading: boolean;
  /** Asks for `path` (relative to the console, as `callApi` takes it). */
  readonly load: (path: string) => Promise<void>;
}

/** `inputField`: the request parameter whose 400 the caller shows beside its input. */
export function useApiReport<T>(inputField?: string): ApiReport<T> {
  const [report, setReport] = useState<T | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [inputProblem, setInputProblem] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const latest = useRef(0);

  const load = async (path: string) => {
    const call = ++latest.current;
    setLoading(true);
    try {
      const answer = await callApi<T>(path);
      if (call !== latest.current) return;
      if (answer.status === 200 && answer.body !== null) {
        setReport(answer.body);
        setInputProblem(undefined);
        setProblem(null);
      } else if (
        inputField !== undefined &&
        answer.status === 400 &&
        isErrorBody(answer.body) &&
        answer.body.field === inputField
      ) {
        setInputProblem(answer.body.error);
        setProblem(null);
      } else if (answer.status !== 401) {
        setInputProblem(undefined);
        setProblem(errorMessage(answer));
      }
    } catch (error) {
      if (call === latest.current) {
        setProblem(error instanceof ApiError ? error.message : String(error));
      }
    } finally {
      if (call === latest.current) setLoading(false);
    }
  };

  return { report, problem, inputProblem, loading, load };
}
