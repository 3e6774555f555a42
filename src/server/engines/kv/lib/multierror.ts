// Formats a list of messages the way hashicorp/go-multierror does, because Vault returns that text
// verbatim for custom_metadata validation failures.

export function formatMultiError(messages: string[]): string {
  if (messages.length === 1) return `1 error occurred:\n\t* ${messages[0]}\n\n`;
  return `${messages.length} errors occurred:\n\t${messages.map((m) => `* ${m}`).join('\n\t')}\n\n`;
}
