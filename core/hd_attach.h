/*
 * hd_attach — what attachments need that is pure text work: a safe display
 * name for an uploaded file, its type judged from its first bytes (never
 * from what the client claimed), and the Content-Disposition that hands
 * it back as a download (RFC 6266, with RFC 8187's filename*).
 *
 * Files live in a content-addressed store: the object key is the lower-
 * case hex sha256 of the bytes, kept as "ab/cd/abcd…" (two levels of 256
 * directories).
 */

#ifndef HD_ATTACH_H
#define HD_ATTACH_H

#include <stddef.h>

#define HD_ATTACH_NAME_MAX   255        /* bytes of a display name */
#define HD_ATTACH_SNIFF_LEN  512        /* bytes the type is judged on */
#define HD_ATTACH_KEY_LEN    (64 + 6)   /* "ab/cd/" + 64 hex digits */

/*
 * The display name for what the client called the file: its last path
 * component, control characters, quotes, invalid UTF-8 and invisible
 * direction controls (the right-to-left override) replaced with '_', leading dots and spaces and trailing dots and spaces
 * dropped, at most HD_ATTACH_NAME_MAX bytes cut at a character boundary;
 * "attachment" when nothing is left.  out must hold
 * HD_ATTACH_NAME_MAX + 1 bytes.  Returns the length.
 */
size_t hd_attach_filename(const char *in, size_t len, char *out);

/*
 * The media type of a file that starts with head (len bytes, up to
 * HD_ATTACH_SNIFF_LEN): a few well-known signatures (PNG, JPEG, GIF, WebP,
 * PDF, ZIP, gzip), text/plain for NUL-free valid UTF-8, else
 * application/octet-stream.  A static string.
 */
const char *hd_attach_sniff(const unsigned char *head, size_t len);

/*
 * Content-Disposition for name (a display name from hd_attach_filename):
 * attachment; filename="ASCII fallback"; filename*=UTF-8''percent-encoded.
 * Returns the length, or 0 when size is too small (3 * name + 64 always
 * suffices).
 */
size_t hd_attach_disposition(const char *name, char *out, size_t size);

/* The object key "ab/cd/<hex>" for a 64-digit hex digest; 0 if malformed. */
int hd_attach_key(const char *hex, char *out, size_t size);

#endif /* HD_ATTACH_H */
