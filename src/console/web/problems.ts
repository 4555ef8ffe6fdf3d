import type { ErrorBody, Problem } from './api-types';
import { fieldToInputId } from './field-ids';

/**
 * Where the editor shows the problems of a refused document: those whose field has an
 * input beside that input (several problems of one input joined), the rest in a list.
 */
export interface PlacedProblems {
  /** input id → message. */
  readonly byInput: ReadonlyMap<string, string>;
  readonly other: readonly Problem[];
}

export function placeProblems(body: ErrorBody): PlacedProblems {
  const problems: readonly Problem[] =
    body.problems && body.problems.length > 0
      ? body.problems
      : [{ ...(body.field !== undefined && { field: body.field }), error: body.error }];
  const byInput = new Map<string, string>();
  const other: Problem[] = [];
  for (const problem of problems) {
    const inputId = problem.field === undefined ? null : fieldToInputId(problem.field);
    if (inputId === null) {
      other.push(problem);
      continue;
    }
    const before = byInput.get(inputId);
    byInput.set(inputId, before === undefined ? problem.error : `${before}; ${problem.error}`);
  }
  const more = (body.problems_total ?? 0) - problems.length;
  if (more > 0) other.push({ error: `and ${more} more problems` });
  return { byInput, other };
}

/** Whether an answer body is the API's error JSON. */
export function isErrorBody(body: unknown): body is ErrorBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { error?: unknown }).error === 'string'
  );
}
