/**
 * "Copy link": puts the page's address (the `#c=…` share link, embed parameters included)
 * on the clipboard and says so in a live region.
 */
import { useEffect, useRef, useState } from 'react';

/** The button and its status line. */
export function ShareButton() {
  const [said, setSaid] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = async () => {
    clearTimeout(timer.current);
    try {
      await navigator.clipboard.writeText(window.location.href);
      setSaid('Link copied');
    } catch {
      // No clipboard permission (or an insecure context): the address bar still has the link.
      setSaid('Could not copy: copy the address bar instead');
    }
    timer.current = setTimeout(() => setSaid(''), 4000);
  };

  return (
    <div className="share">
      <button type="button" onClick={() => void copy()}>
        Copy link
      </button>
      <span className="share-status" aria-live="polite">
        {said}
      </span>
    </div>
  );
}
