// Keeps JWTs out of error messages: the login's own JWT, and anything shaped like a compact JWS that
// a Kubernetes error might quote back.

const JWS = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

export function redact(message: string, ...secrets: string[]): string {
  let out = message;
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join('<redacted>');
  return out.replace(JWS, '<redacted JWT>');
}
