/*
 * hd_session — session and CSRF tokens.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "hd_b64.h"
#include "hd_session.h"


#define HD_SESSION_PAYLOAD_MAX  128


int
hd_uuid_valid(const char *s, size_t len)
{
    size_t  i;

    if (len != HD_UUID_LEN) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') {
                return 0;
            }
            continue;
        }

        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }

    return 1;
}


static void
hd_session_mac(const unsigned char *key, const char *data, size_t len,
    unsigned char mac[32])
{
    unsigned int  maclen;

    maclen = 32;
    (void) HMAC(EVP_sha256(), key, HD_SESSION_KEY_LEN,
                (const unsigned char *) data, len, mac, &maclen);
}


size_t
hd_session_mint(const unsigned char key[HD_SESSION_KEY_LEN],
    const hd_session_t *s, char *out)
{
    int            n;
    char           payload[HD_SESSION_PAYLOAD_MAX];
    size_t         len;
    unsigned char  mac[32];

    if (!hd_uuid_valid(s->sid, strlen(s->sid))
        || !hd_uuid_valid(s->uid, strlen(s->uid)))
    {
        return 0;
    }

    n = snprintf(payload, sizeof(payload), "%s|%s|%" PRId64 "|%" PRId64,
                 s->sid, s->uid, s->iat, s->exp);
    if (n < 0 || (size_t) n >= sizeof(payload)) {
        return 0;
    }

    memcpy(out, "v1.", 3);
    len = 3 + hd_b64url_encode((unsigned char *) payload, (size_t) n,
                               out + 3);

    hd_session_mac(key, out, len, mac);

    out[len++] = '.';
    len += hd_b64url_encode(mac, sizeof(mac), out + len);

    return len;
}


/*
 * Splits "sid|uid|iat|exp" into s; 1 on success.
 */
static int
hd_session_parse(const char *p, size_t len, hd_session_t *s)
{
    char  buf[HD_SESSION_PAYLOAD_MAX], tail;

    if (len >= sizeof(buf)) {
        return 0;
    }

    memcpy(buf, p, len);
    buf[len] = '\0';

    if (sscanf(buf, "%36[0-9a-f-]|%36[0-9a-f-]|%" SCNd64 "|%" SCNd64 "%c",
               s->sid, s->uid, &s->iat, &s->exp, &tail) != 4)
    {
        return 0;
    }

    return hd_uuid_valid(s->sid, strlen(s->sid))
           && hd_uuid_valid(s->uid, strlen(s->uid)) && s->exp > s->iat;
}


hd_session_rc_t
hd_session_verify(const unsigned char key[HD_SESSION_KEY_LEN],
    const char *token, size_t len, int64_t now, hd_session_t *s)
{
    size_t          plen, dlen;
    const char     *dot;
    unsigned char   mac[32], given[33], payload[HD_SESSION_PAYLOAD_MAX];

    if (len < 4 || len >= HD_SESSION_TOKEN_MAX
        || memcmp(token, "v1.", 3) != 0)
    {
        return HD_SESSION_INVALID;
    }

    dot = memchr(token + 3, '.', len - 3);
    if (dot == NULL) {
        return HD_SESSION_INVALID;
    }

    plen = (size_t) (dot - token);

    if (hd_b64url_decode(dot + 1, len - plen - 1, given, sizeof(given), &dlen)
            != 0
        || dlen != sizeof(mac))
    {
        return HD_SESSION_INVALID;
    }

    hd_session_mac(key, token, plen, mac);

    if (CRYPTO_memcmp(mac, given, sizeof(mac)) != 0) {
        return HD_SESSION_INVALID;
    }

    if (hd_b64url_decode(token + 3, plen - 3, payload, sizeof(payload), &dlen)
            != 0
        || !hd_session_parse((char *) payload, dlen, s))
    {
        return HD_SESSION_INVALID;
    }

    return now < s->exp ? HD_SESSION_OK : HD_SESSION_EXPIRED;
}


void
hd_session_csrf(const unsigned char key[HD_SESSION_KEY_LEN], const char *sid,
    char *out)
{
    char           data[64];
    int            n;
    unsigned char  mac[32];

    n = snprintf(data, sizeof(data), "csrf|%s", sid);
    hd_session_mac(key, data, (size_t) n, mac);
    (void) hd_b64url_encode(mac, sizeof(mac), out);
}


int
hd_session_csrf_ok(const unsigned char key[HD_SESSION_KEY_LEN],
    const char *sid, const char *value, size_t len)
{
    char  want[HD_SESSION_CSRF_LEN + 1];

    if (len != HD_SESSION_CSRF_LEN) {
        return 0;
    }

    hd_session_csrf(key, sid, want);

    return CRYPTO_memcmp(want, value, len) == 0;
}
