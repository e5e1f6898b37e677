/**
 * The alert region. It is always in the page (empty when there is no error) so screen
 * readers announce a message when it appears; the text is React text, never HTML, because
 * it may quote a pasted link.
 */
import { dismissError, useLab } from '../state';

/** role="alert" with the store's error and a Dismiss button. */
export function ErrorAlert() {
  const error = useLab((s) => s.error);
  return (
    <div role="alert" className={error ? 'alert' : 'alert alert-empty'}>
      {error && (
        <>
          <span className="alert-text">{error}</span>
          <button type="button" className="alert-dismiss" onClick={dismissError}>
            Dismiss
          </button>
        </>
      )}
    </div>
  );
}
