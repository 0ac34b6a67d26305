/*
 * hd_secret — credentials at rest, sealed with the instance key.
 *
 * A mailbox's IMAP password or OAuth bearer token is stored in the
 * database only as a sealed box: AES-256-GCM under a key derived from the
 * instance key (the 32 bytes of helpdesk_session_key_file, which never
 * leave the host) for one purpose, with a fresh random nonce per seal:
 *
 *     "hs1" ‖ nonce (12) ‖ ciphertext ‖ tag (16)
 *
 * The purpose ("mailbox") is both the derivation's label and the
 * associated data, so a box sealed for one use does not open for another,
 * and a session token's key never encrypts anything.  A box that was
 * altered, or sealed under another instance key, does not open.  The
 * nginx module seals (an admin saves a mailbox); the worker opens (it
 * polls the mailbox).  No I/O, no globals.
 */

#ifndef HD_SECRET_H
#define HD_SECRET_H

#include <stddef.h>


#define HD_SECRET_KEY_LEN    32
#define HD_SECRET_OVERHEAD   (3 + 12 + 16)      /* magic, nonce, tag */
#define HD_SECRET_MAX        8192               /* longest plaintext */


/*
 * Seals len bytes of plain for purpose into out (room for len +
 * HD_SECRET_OVERHEAD bytes).  Returns the box's length, or 0 when len is
 * over HD_SECRET_MAX or OpenSSL failed.
 */
size_t hd_secret_seal(const unsigned char key[HD_SECRET_KEY_LEN],
    const char *purpose, const void *plain, size_t len, unsigned char *out);

/*
 * Opens a box of len bytes sealed for purpose into out (room for len -
 * HD_SECRET_OVERHEAD + 1 bytes; a NUL is appended).  Returns the plain
 * text's length, or -1 when the box is malformed, altered, or sealed under
 * another key or purpose.
 */
long hd_secret_open(const unsigned char key[HD_SECRET_KEY_LEN],
    const char *purpose, const unsigned char *box, size_t len, char *out);

#endif /* HD_SECRET_H */
