/** A write's failure, said beside the form or list it came from (useSubmit's `error`). */
export function Failure({ error }: { error: string | null }) {
  return error ? (
    <p role="alert" className="error">
      {error}
    </p>
  ) : null;
}
