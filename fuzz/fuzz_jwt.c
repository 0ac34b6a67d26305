/*
 * libFuzzer target: bearer tokens through hd_jwt_verify() against a fixed
 * JWKS (one RSA-2048 and one P-256 key, made once on the first input).
 *
 * The first byte picks what the rest is:
 *   0  a raw token; nothing unsigned may ever be accepted
 *   1  header JSON, NUL, payload JSON, NUL, signature bytes, each encoded
 *      here, so the fuzzer reaches the header rules; still never accepted
 *   2  a payload JSON that the target signs with the P-256 key, so the
 *      claim rules are reached; an accepted token must give sane claims
 *   3  a JWKS document for hd_jwks_parse()
 */

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/evp.h>

#include "hd_b64.h"
#include "hd_jwt.h"


#define FZ_NOW  1700000000

typedef struct {
    EVP_PKEY   *ec;
    hd_jwks_t  *jwks;
} fz_state_t;

static const hd_jwt_expect_t  fz_expect = {
    "https://idp.example", "api", "realm_access.roles", HD_JWT_DEFAULT_SKEW
};


static size_t
fz_b64(const unsigned char *in, size_t len, char *out)
{
    return hd_b64url_encode(in, len, out);
}


/* The base64url of an RSA key's parameter ("n" or "e"). */
static void
fz_bn_b64(EVP_PKEY *key, const char *param, char *out)
{
    int             n;
    BIGNUM         *bn;
    unsigned char   buf[300];

    bn = NULL;
    if (EVP_PKEY_get_bn_param(key, param, &bn) != 1) {
        abort();
    }

    n = BN_bn2bin(bn, buf);
    BN_free(bn);
    fz_b64(buf, (size_t) n, out);
}


static fz_state_t *
fz_state(void)
{
    char               jwks[2048], n[400], e[16], x[64], y[64];
    size_t             len;
    EVP_PKEY          *rsa;
    unsigned char      pub[65];
    static fz_state_t  st;

    if (st.jwks != NULL) {
        return &st;
    }

    rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) 2048);
    st.ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");

    if (rsa == NULL || st.ec == NULL
        || EVP_PKEY_get_octet_string_param(st.ec, "pub", pub, sizeof(pub),
                                           &len) != 1
        || len != 65)
    {
        abort();
    }

    fz_bn_b64(rsa, "n", n);
    fz_bn_b64(rsa, "e", e);
    fz_b64(pub + 1, 32, x);
    fz_b64(pub + 33, 32, y);
    EVP_PKEY_free(rsa);

    snprintf(jwks, sizeof(jwks),
             "{\"keys\":["
             "{\"kty\":\"RSA\",\"kid\":\"fz-rsa\",\"use\":\"sig\","
             "\"n\":\"%s\",\"e\":\"%s\"},"
             "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"fz-ec\","
             "\"x\":\"%s\",\"y\":\"%s\"}]}", n, e, x, y);

    st.jwks = hd_jwks_parse(jwks, strlen(jwks), NULL, 0);
    if (hd_jwks_count(st.jwks) != 2) {
        abort();
    }

    return &st;
}


static hd_jwt_code_t
fz_verify(fz_state_t *st, const char *token, size_t len, hd_jwt_claims_t *c)
{
    hd_jwt_code_t   rc;
    hd_jwt_error_t  err;

    rc = hd_jwt_verify(st->jwks, token, len, &fz_expect, FZ_NOW, c, &err);

    assert(err.code == rc && err.message != NULL);
    assert(strcmp(hd_jwt_code_name(rc), "unknown") != 0);

    if (rc != HD_JWT_OK) {
        assert(c->sub[0] == '\0' && c->nroles == 0);
    }

    return rc;
}


/* Appends "." and the encoding of n bytes to t at *off. */
static void
fz_segment(char *t, size_t *off, const void *p, size_t n, int dot)
{
    if (dot) {
        t[(*off)++] = '.';
    }

    *off += fz_b64(p, n, t + *off);
}


/* Mode 1: three parts split at NULs, encoded, never signed. */
static void
fz_unsigned_parts(fz_state_t *st, const uint8_t *data, size_t size)
{
    char             *t;
    size_t            off, i, start, part, lens[3];
    const uint8_t    *parts[3];
    hd_jwt_claims_t   c;

    part = 0;
    start = 0;

    for (i = 0; i <= size && part < 3; i++) {
        if (i == size || (data[i] == 0 && part < 2)) {
            parts[part] = data + start;
            lens[part] = i - start;
            part++;
            start = i + 1;
        }
    }

    while (part < 3) {
        parts[part] = data;
        lens[part++] = 0;
    }

    t = malloc(HD_B64URL_ENCODED_LEN(size) + 8);
    assert(t != NULL);

    off = 0;
    fz_segment(t, &off, parts[0], lens[0], 0);
    fz_segment(t, &off, parts[1], lens[1], 1);
    fz_segment(t, &off, parts[2], lens[2], 1);

    assert(fz_verify(st, t, off, &c) != HD_JWT_OK);
    free(t);
}


/* Mode 2: the input as payload, really signed with ES256. */
static void
fz_signed_payload(fz_state_t *st, const uint8_t *data, size_t size)
{
    char              *t;
    size_t             off, der_len, n;
    ECDSA_SIG         *es;
    EVP_MD_CTX        *md;
    const BIGNUM      *r, *s;
    hd_jwt_code_t      rc;
    hd_jwt_claims_t    c;
    unsigned char      der[80], raw[64];
    const unsigned char  *p;
    static const char  hdr[] = "{\"alg\":\"ES256\",\"kid\":\"fz-ec\"}";

    t = malloc(HD_B64URL_ENCODED_LEN(size) + 256);
    assert(t != NULL);

    off = 0;
    fz_segment(t, &off, hdr, sizeof(hdr) - 1, 0);
    fz_segment(t, &off, data, size, 1);

    md = EVP_MD_CTX_new();
    der_len = sizeof(der);
    if (md == NULL
        || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, st->ec) != 1
        || EVP_DigestSign(md, der, &der_len, (unsigned char *) t, off) != 1)
    {
        abort();
    }

    EVP_MD_CTX_free(md);

    p = der;
    es = d2i_ECDSA_SIG(NULL, &p, (long) der_len);
    assert(es != NULL);
    ECDSA_SIG_get0(es, &r, &s);
    BN_bn2binpad(r, raw, 32);
    BN_bn2binpad(s, raw + 32, 32);
    ECDSA_SIG_free(es);

    fz_segment(t, &off, raw, sizeof(raw), 1);

    rc = fz_verify(st, t, off, &c);

    if (rc == HD_JWT_OK) {
        n = strlen(c.sub);
        assert(n > 0 && n <= HD_JWT_SUB_MAX);
        assert(strlen(c.email) <= HD_JWT_EMAIL_MAX);
        assert(strlen(c.name) <= HD_JWT_NAME_MAX);
        assert(c.nroles <= HD_JWT_ROLES_MAX);
        for (n = 0; n < c.nroles; n++) {
            assert(c.roles[n][0] != '\0'
                   && strlen(c.roles[n]) <= HD_JWT_ROLE_MAX);
        }
        assert(c.exp > FZ_NOW - HD_JWT_DEFAULT_SKEW);
        assert(strcmp(c.kid, "fz-ec") == 0 && c.alg == HD_JWT_ALG_ES256);
    }

    free(t);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hd_jwks_t        *ks;
    fz_state_t       *st;
    hd_jwt_claims_t   c;

    if (size == 0) {
        return 0;
    }

    st = fz_state();

    switch (data[0] % 4) {

    case 0:
        assert(fz_verify(st, (const char *) data + 1, size - 1, &c)
               != HD_JWT_OK);
        break;

    case 1:
        fz_unsigned_parts(st, data + 1, size - 1);
        break;

    case 2:
        fz_signed_payload(st, data + 1, size - 1);
        break;

    default:
        ks = hd_jwks_parse((const char *) data + 1, size - 1, NULL, 0);
        assert(ks == NULL || hd_jwks_count(ks) <= HD_JWKS_KEYS_MAX);
        hd_jwks_free(ks);
        break;
    }

    return 0;
}
