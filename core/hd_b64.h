/*
 * hd_b64 — base64url (RFC 4648 §5) without padding, as JWTs and the local
 * session tokens use it.
 *
 * Decoding is strict: only the 64 URL-safe characters, no '=' padding, no
 * whitespace, no length that cannot come from an encoder (len % 4 == 1), and
 * the unused low bits of the last character must be zero, so every byte
 * string has exactly one accepted encoding.
 */

#ifndef HD_B64_H
#define HD_B64_H

#include <stddef.h>

/* Characters hd_b64url_encode() writes for n input bytes, without the NUL. */
#define HD_B64URL_ENCODED_LEN(n)  (((n) / 3) * 4 + ((n) % 3 ? (n) % 3 + 1 : 0))

/* Upper bound of the bytes n characters decode to. */
#define HD_B64URL_DECODED_MAX(n)  (((n) / 4) * 3 + ((n) % 4 ? (n) % 4 - 1 : 0))

/*
 * Encodes len bytes of in into out, unpadded, and NUL-terminates it.  out
 * must hold HD_B64URL_ENCODED_LEN(len) + 1 bytes.  Returns the number of
 * characters written, not counting the NUL.
 */
size_t hd_b64url_encode(const unsigned char *in, size_t len, char *out);

/*
 * Decodes len characters of in (no NUL needed) into out, which holds
 * outsize bytes; HD_B64URL_DECODED_MAX(len) is always enough.  Returns 0 and
 * the decoded length in *outlen, or -1 when the input is not canonical
 * unpadded base64url or does not fit; out is then unspecified.
 */
int hd_b64url_decode(const char *in, size_t len, unsigned char *out,
    size_t outsize, size_t *outlen);

#endif /* HD_B64_H */
