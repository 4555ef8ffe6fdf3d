interface CopyButtonProps {
  readonly text: string;
  /** The button's accessible name: `Copy all`, `Copy _imaps._tcp.example.org. SRV`. */
  readonly label: string;
  readonly children: string;
  /** Told what happened, for the panel's status line. */
  readonly onDone: (message: string) => void;
}

/** Copies `text` with the Clipboard API, or, where that is refused, through a selected text area. */
export function CopyButton({ text, label, children, onDone }: CopyButtonProps) {
  return (
    <button
      type="button"
      class="secondary copy"
      aria-label={label === children ? undefined : label}
      onClick={() => {
        void copyText(text).then((copied) =>
          onDone(
            copied ? 'Copied' : 'The browser refused to copy: select the text and copy it by hand.',
          ),
        );
      }}
    >
      {children}
    </button>
  );
}

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return copyBySelection(text);
  }
}

/** The fallback: a temporary text area, selected, and the browser's copy command. */
function copyBySelection(text: string): boolean {
  const area = document.createElement('textarea');
  area.value = text;
  area.readOnly = true;
  area.className = 'offscreen';
  document.body.append(area);
  area.select();
  let copied = false;
  try {
    // Deprecated but the only copy path where the Clipboard API is refused (no secure context).
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  area.remove();
  return copied;
}
