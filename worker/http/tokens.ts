import { DELETE_TOKEN_BYTES, SECRET_ID_BYTES } from "../../catalog/index.ts";

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const randomBase64url = (bytes: number) => base64url(crypto.getRandomValues(new Uint8Array(bytes)));

/** Exactly what newSecretId() produces; anything else cannot be a secret and is 404 without a database query. */
export const SECRET_ID_PATTERN = new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((SECRET_ID_BYTES.value * 8) / 6)}}$`);

export const newSecretId = () => randomBase64url(SECRET_ID_BYTES.value);

export const newDeleteToken = () => randomBase64url(DELETE_TOKEN_BYTES.value);

export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
