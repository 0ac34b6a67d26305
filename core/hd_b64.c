/*
 * hd_b64 — strict unpadded base64url.
 */

#include "hd_b64.h"


static const char  hd_b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";


/* The 6-bit value of one base64url character, or -1. */
static int
hd_b64url_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }

    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }

    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }

    if (c == '-') {
        return 62;
    }

    if (c == '_') {
        return 63;
    }

    return -1;
}


size_t
hd_b64url_encode(const unsigned char *in, size_t len, char *out)
{
    size_t         i, n;
    unsigned long  v;

    n = 0;

    for (i = 0; i + 3 <= len; i += 3) {
        v = ((unsigned long) in[i] << 16) | ((unsigned long) in[i + 1] << 8)
            | in[i + 2];
        out[n++] = hd_b64url_alphabet[(v >> 18) & 0x3f];
        out[n++] = hd_b64url_alphabet[(v >> 12) & 0x3f];
        out[n++] = hd_b64url_alphabet[(v >> 6) & 0x3f];
        out[n++] = hd_b64url_alphabet[v & 0x3f];
    }

    if (len - i == 1) {
        v = (unsigned long) in[i] << 16;
        out[n++] = hd_b64url_alphabet[(v >> 18) & 0x3f];
        out[n++] = hd_b64url_alphabet[(v >> 12) & 0x3f];

    } else if (len - i == 2) {
        v = ((unsigned long) in[i] << 16) | ((unsigned long) in[i + 1] << 8);
        out[n++] = hd_b64url_alphabet[(v >> 18) & 0x3f];
        out[n++] = hd_b64url_alphabet[(v >> 12) & 0x3f];
        out[n++] = hd_b64url_alphabet[(v >> 6) & 0x3f];
    }

    out[n] = '\0';

    return n;
}


int
hd_b64url_decode(const char *in, size_t len, unsigned char *out,
    size_t outsize, size_t *outlen)
{
    int            d;
    size_t         i, n, rest;
    unsigned long  v;

    rest = len % 4;

    if (rest == 1 || HD_B64URL_DECODED_MAX(len) > outsize) {
        return -1;
    }

    n = 0;
    v = 0;

    for (i = 0; i < len; i++) {
        d = hd_b64url_value((unsigned char) in[i]);
        if (d < 0) {
            return -1;
        }

        v = (v << 6) | (unsigned long) d;

        if (i % 4 == 3) {
            out[n++] = (unsigned char) (v >> 16);
            out[n++] = (unsigned char) (v >> 8);
            out[n++] = (unsigned char) v;
            v = 0;
        }
    }

    /* the final 2 or 3 characters carry 12 or 18 bits: 1 or 2 bytes */

    if (rest == 2) {
        if (v & 0x0f) {
            return -1;
        }

        out[n++] = (unsigned char) (v >> 4);

    } else if (rest == 3) {
        if (v & 0x03) {
            return -1;
        }

        out[n++] = (unsigned char) (v >> 10);
        out[n++] = (unsigned char) (v >> 2);
    }

    *outlen = n;

    return 0;
}
