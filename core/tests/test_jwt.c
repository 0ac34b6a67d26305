/*
 * JWT verification against keys made here: an RSA-2048 and a P-256 key are
 * generated once, published as a JWKS, and tokens are minted and signed in
 * the test, so every case is a real signature (or a real forgery).
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <cjson/cJSON.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "hd_b64.h"
#include "hd_jwt.h"
#include "hd_tests.h"


#define ISS     "https://idp.example.com/realms/helpdesk"
#define AUD     "helpdesk-api"
#define NOW     1700000000

#define C_ISS   "\"iss\":\"" ISS "\""
#define C_AUD   "\"aud\":\"" AUD "\""
#define C_SUB   "\"sub\":\"u-123\""
#define C_EXP   "\"exp\":1700000300"
#define BASE    C_ISS "," C_AUD "," C_SUB "," C_EXP

#define HDR_RS  "{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"typ\":\"at+jwt\"}"
#define HDR_ES  "{\"alg\":\"ES256\",\"kid\":\"ec-1\",\"typ\":\"JWT\"}"


static EVP_PKEY   *rsa_key;     /* kid rsa-1, RS256 */
static EVP_PKEY   *ec_key;      /* kid ec-1, ES256 */
static EVP_PKEY   *rsa_other;   /* published nowhere */
static EVP_PKEY   *rsa_small;   /* 1024 bits */
static hd_jwks_t  *jwks;

static const hd_jwt_expect_t  expect = {
    ISS, AUD, "realm_access.roles", HD_JWT_DEFAULT_SKEW
};


/* printf into a buffer that lives until the next call. */
static const char *
fmt(const char *f, ...)
{
    static char  buf[8192];
    va_list      ap;

    va_start(ap, f);
    vsnprintf(buf, sizeof(buf), f, ap);
    va_end(ap);

    return buf;
}


static char *
b64(const unsigned char *in, size_t len)
{
    char  *out;

    out = malloc(HD_B64URL_ENCODED_LEN(len) + 1);
    ck_assert_ptr_nonnull(out);
    hd_b64url_encode(in, len, out);

    return out;
}


/* "b64(header).b64(payload)"; malloc'd. */
static char *
signing_input(const char *header, const char *payload)
{
    char    *h, *p, *s;
    size_t   n;

    h = b64((const unsigned char *) header, strlen(header));
    p = b64((const unsigned char *) payload, strlen(payload));
    n = strlen(h) + strlen(p) + 2;
    s = malloc(n);
    ck_assert_ptr_nonnull(s);
    snprintf(s, n, "%s.%s", h, p);
    free(h);
    free(p);

    return s;
}


/* "input.b64(sig)"; malloc'd; frees input. */
static char *
attach(char *input, const unsigned char *sig, size_t siglen)
{
    char    *sg, *t;
    size_t   n;

    sg = b64(sig, siglen);
    n = strlen(input) + strlen(sg) + 2;
    t = malloc(n);
    ck_assert_ptr_nonnull(t);
    snprintf(t, n, "%s.%s", input, sg);
    free(sg);
    free(input);

    return t;
}


/* SHA-256 signature of data by key: PKCS#1 v1.5 for RSA, DER for EC. */
static size_t
sign_der(EVP_PKEY *key, const char *data, unsigned char *sig, size_t size)
{
    size_t       len;
    EVP_MD_CTX  *md;

    md = EVP_MD_CTX_new();
    len = size;
    ck_assert_int_eq(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key), 1);
    ck_assert_int_eq(EVP_DigestSign(md, sig, &len,
                                    (const unsigned char *) data,
                                    strlen(data)), 1);
    EVP_MD_CTX_free(md);

    return len;
}


/* A DER ECDSA-Sig-Value as JWS wants it: raw r || s, 32 bytes each. */
static void
der_to_raw(const unsigned char *der, size_t len, unsigned char *raw)
{
    ECDSA_SIG     *es;
    const BIGNUM  *r, *s;

    es = d2i_ECDSA_SIG(NULL, &der, (long) len);
    ck_assert_ptr_nonnull(es);
    ECDSA_SIG_get0(es, &r, &s);
    ck_assert_int_eq(BN_bn2binpad(r, raw, 32), 32);
    ck_assert_int_eq(BN_bn2binpad(s, raw + 32, 32), 32);
    ECDSA_SIG_free(es);
}


/* A compact token signed by key (RS256 for RSA keys, ES256 for EC keys). */
static char *
mint(const char *header, const char *payload, EVP_PKEY *key)
{
    char           *in;
    size_t          len;
    unsigned char   sig[1024], raw[64];

    in = signing_input(header, payload);
    len = sign_der(key, in, sig, sizeof(sig));

    if (EVP_PKEY_is_a(key, "EC")) {
        der_to_raw(sig, len, raw);
        return attach(in, raw, sizeof(raw));
    }

    return attach(in, sig, len);
}


static char *
mint_hs256(const char *header, const char *payload, const void *secret,
    size_t secret_len)
{
    char           *in;
    unsigned int    len;
    unsigned char   mac[EVP_MAX_MD_SIZE];

    in = signing_input(header, payload);
    ck_assert_ptr_nonnull(HMAC(EVP_sha256(), secret, (int) secret_len,
                               (const unsigned char *) in, strlen(in),
                               mac, &len));

    return attach(in, mac, len);
}


static hd_jwt_code_t
verify_as(const char *token, const hd_jwt_expect_t *e, int64_t now,
    hd_jwt_claims_t *c)
{
    hd_jwt_code_t    rc;
    hd_jwt_error_t   err;

    rc = hd_jwt_verify(jwks, token, strlen(token), e, now, c, &err);

    ck_assert_int_eq(err.code, rc);
    ck_assert_ptr_nonnull(err.message);
    ck_assert(rc == HD_JWT_OK || c->sub[0] == '\0');

    return rc;
}


static hd_jwt_code_t
verify(const char *token)
{
    hd_jwt_claims_t  c;

    return verify_as(token, &expect, NOW, &c);
}


/* Mints with key, verifies with the default expectations, frees. */
static hd_jwt_code_t
check(const char *header, const char *payload, EVP_PKEY *key,
    hd_jwt_claims_t *c)
{
    char             *t;
    hd_jwt_code_t     rc;
    hd_jwt_claims_t   local;

    t = mint(header, payload, key);
    rc = verify_as(t, &expect, NOW, c != NULL ? c : &local);
    free(t);

    return rc;
}


static void
add_bytes(cJSON *o, const char *name, const unsigned char *b, size_t n)
{
    char  *s;

    s = b64(b, n);
    cJSON_AddStringToObject(o, name, s);
    free(s);
}


static void
add_bn(cJSON *o, const char *name, EVP_PKEY *key, const char *param)
{
    int             n;
    BIGNUM         *bn;
    unsigned char   buf[1100];

    bn = NULL;
    ck_assert_int_eq(EVP_PKEY_get_bn_param(key, param, &bn), 1);
    n = BN_bn2bin(bn, buf);
    add_bytes(o, name, buf, (size_t) n);
    BN_free(bn);
}


/* The public JWK of key; RSA gets n and e, EC gets crv, x and y. */
static cJSON *
jwk(EVP_PKEY *key, const char *kid)
{
    cJSON          *o;
    size_t          len;
    unsigned char   pub[65];

    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kid", kid);

    if (EVP_PKEY_is_a(key, "RSA")) {
        cJSON_AddStringToObject(o, "kty", "RSA");
        add_bn(o, "n", key, OSSL_PKEY_PARAM_RSA_N);
        add_bn(o, "e", key, OSSL_PKEY_PARAM_RSA_E);
        return o;
    }

    ck_assert_int_eq(EVP_PKEY_get_octet_string_param(key,
                         OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof(pub), &len), 1);
    ck_assert_uint_eq(len, 65);
    cJSON_AddStringToObject(o, "kty", "EC");
    cJSON_AddStringToObject(o, "crv", "P-256");
    add_bytes(o, "x", pub + 1, 32);
    add_bytes(o, "y", pub + 33, 32);

    return o;
}


/* Parses {"keys": [the given JWKs]}; takes the JWKs. */
static hd_jwks_t *
jwks_of(cJSON **list, size_t n, char *err, size_t errlen)
{
    char       *s;
    size_t      i;
    cJSON      *doc, *arr;
    hd_jwks_t  *ks;

    doc = cJSON_CreateObject();
    arr = cJSON_AddArrayToObject(doc, "keys");

    for (i = 0; i < n; i++) {
        cJSON_AddItemToArray(arr, list[i]);
    }

    s = cJSON_PrintUnformatted(doc);
    ks = hd_jwks_parse(s, strlen(s), err, errlen);
    free(s);
    cJSON_Delete(doc);

    return ks;
}


static void
setup(void)
{
    char    err[160];
    cJSON  *keys[2];

    rsa_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) 2048);
    rsa_other = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) 2048);
    rsa_small = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) 1024);
    ec_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    ck_assert(rsa_key && rsa_other && rsa_small && ec_key);

    keys[0] = jwk(rsa_key, "rsa-1");
    cJSON_AddStringToObject(keys[0], "use", "sig");
    cJSON_AddStringToObject(keys[0], "alg", "RS256");
    keys[1] = jwk(ec_key, "ec-1");

    jwks = jwks_of(keys, 2, err, sizeof(err));
    ck_assert_ptr_nonnull(jwks);
    ck_assert_uint_eq(hd_jwks_count(jwks), 2);
    ck_assert_str_eq(err, "");
}


static void
teardown(void)
{
    hd_jwks_free(jwks);
    EVP_PKEY_free(rsa_key);
    EVP_PKEY_free(rsa_other);
    EVP_PKEY_free(rsa_small);
    EVP_PKEY_free(ec_key);
}


/* --- base64url ----------------------------------------------------------- */


START_TEST(b64url_round_trips_and_matches_openssl)
{
    int             n;
    char            enc[200], std[200];
    size_t          len, i, out;
    unsigned char   in[100], dec[100];

    for (len = 0; len <= sizeof(in); len++) {
        ck_assert_int_eq(RAND_bytes(in, (int) len > 0 ? (int) len : 1), 1);

        n = EVP_EncodeBlock((unsigned char *) std, in, (int) len);
        while (n > 0 && std[n - 1] == '=') {
            n--;
        }
        std[n] = '\0';
        for (i = 0; i < (size_t) n; i++) {
            std[i] = std[i] == '+' ? '-' : std[i] == '/' ? '_' : std[i];
        }

        ck_assert_uint_eq(hd_b64url_encode(in, len, enc),
                          HD_B64URL_ENCODED_LEN(len));
        ck_assert_str_eq(enc, std);

        ck_assert_int_eq(hd_b64url_decode(enc, strlen(enc), dec, len, &out),
                         0);
        ck_assert_uint_eq(out, len);
        ck_assert(memcmp(in, dec, len) == 0);
    }
}
END_TEST


START_TEST(b64url_decode_rejects_anything_not_canonical)
{
    size_t           i, out;
    unsigned char    dec[16];
    static const char  *bad[] = {
        "A", "AAAAA", "AA==", "AAA=", "A+B/", "AB C", "AB\n", "AA.A",
        "AB", "AAB", "AAAAAF", "\xc3\xa9" "AA",
    };

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(hd_b64url_decode(bad[i], strlen(bad[i]), dec,
                                       sizeof(dec), &out) == -1,
                      "accepted bad[%zu]", i);
    }

    /* the canonical neighbours decode; a short output buffer does not */
    ck_assert_int_eq(hd_b64url_decode("AA", 2, dec, 1, &out), 0);
    ck_assert_int_eq(hd_b64url_decode("AAE", 3, dec, 2, &out), 0);
    ck_assert_int_eq(hd_b64url_decode("AAAA", 4, dec, 2, &out), -1);
    ck_assert_int_eq(hd_b64url_decode("", 0, dec, 0, &out), 0);
    ck_assert_uint_eq(out, 0);
}
END_TEST


/* --- JWKS ---------------------------------------------------------------- */


START_TEST(jwks_skips_keys_it_must_not_use)
{
    char            err[160];
    cJSON          *k[14];
    size_t          n;
    hd_jwks_t      *ks;
    hd_jwt_error_t  e;
    hd_jwt_claims_t c;
    unsigned char   big[1100];
    char           *t;

    n = 0;
    k[n++] = jwk(rsa_key, "rsa-1");
    k[n++] = jwk(ec_key, "ec-1");

    k[n++] = jwk(rsa_small, "small");                       /* 1024 bits */

    memset(big, 0xc5, sizeof(big));                         /* 8800 bits */
    k[n] = cJSON_CreateObject();
    cJSON_AddStringToObject(k[n], "kty", "RSA");
    cJSON_AddStringToObject(k[n], "kid", "big");
    add_bytes(k[n], "n", big, sizeof(big));
    cJSON_AddStringToObject(k[n++], "e", "AQAB");

    k[n] = cJSON_CreateObject();                            /* HMAC key */
    cJSON_AddStringToObject(k[n], "kty", "oct");
    cJSON_AddStringToObject(k[n], "kid", "oct");
    cJSON_AddStringToObject(k[n++], "k", "c2VjcmV0");

    k[n] = cJSON_CreateObject();
    cJSON_AddStringToObject(k[n], "kty", "OKP");
    cJSON_AddStringToObject(k[n], "crv", "Ed25519");
    cJSON_AddStringToObject(k[n], "kid", "okp");
    cJSON_AddStringToObject(k[n++], "x",
                            "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");

    k[n] = jwk(rsa_other, "enc");
    cJSON_AddStringToObject(k[n++], "use", "enc");

    k[n] = jwk(rsa_other, "ps");
    cJSON_AddStringToObject(k[n++], "alg", "PS256");

    k[n] = jwk(ec_key, "ec-as-rs");
    cJSON_AddStringToObject(k[n++], "alg", "RS256");

    k[n] = jwk(ec_key, "p384");
    cJSON_ReplaceItemInObject(k[n++], "crv", cJSON_CreateString("P-384"));

    k[n] = jwk(ec_key, "off-curve");
    cJSON_ReplaceItemInObject(k[n++], "y", cJSON_CreateString(
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE"));

    k[n] = jwk(rsa_other, "ops");
    cJSON_AddItemToObject(k[n++], "key_ops",
                          cJSON_CreateStringArray((const char *[]) {
                              "encrypt" }, 1));

    k[n] = jwk(rsa_other, "nokid");
    cJSON_DeleteItemFromObject(k[n++], "kid");

    k[n++] = jwk(rsa_other, "rsa-1");               /* same kid and alg */

    ks = jwks_of(k, n, err, sizeof(err));
    ck_assert_ptr_nonnull(ks);
    ck_assert_uint_eq(hd_jwks_count(ks), 2);
    ck_assert_uint_eq(hd_jwks_skipped(ks), n - 2);
    ck_assert_str_eq(err, "key 2 skipped: RSA modulus under 2048 bits");

    /* the good keys work; a token naming a skipped key finds none */

    t = mint(HDR_ES, "{" BASE "}", ec_key);
    ck_assert_int_eq(hd_jwt_verify(ks, t, strlen(t), &expect, NOW, &c, &e),
                     HD_JWT_OK);
    free(t);

    t = mint("{\"alg\":\"RS256\",\"kid\":\"small\"}", "{" BASE "}",
             rsa_small);
    ck_assert_int_eq(hd_jwt_verify(ks, t, strlen(t), &expect, NOW, &c, &e),
                     HD_JWT_UNKNOWN_KID);
    free(t);

    hd_jwks_free(ks);
}
END_TEST


/*
 * A JWKS holding one key "k" whose member name (n for RSA, y for EC) is the
 * given number of bytes: first, then fill to the end.
 */
static const char *
one_key_jwks(const char *kty, const char *name, int first, int fill,
    size_t bytes)
{
    char           *enc;
    unsigned char   buf[1100];
    static char     out[2048];

    memset(buf, fill, bytes);
    buf[0] = (unsigned char) first;
    enc = b64(buf, bytes);

    if (strcmp(kty, "RSA") == 0) {
        snprintf(out, sizeof(out), "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k\","
                 "\"e\":\"AQAB\",\"%s\":\"%s\"}]}", name, enc);

    } else {
        snprintf(out, sizeof(out), "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"k\","
                 "\"crv\":\"P-256\",\"x\":\"%s\",\"%s\":\"%s\"}]}",
                 enc, name, enc);
    }

    free(enc);

    return out;
}


START_TEST(jwks_names_why_a_key_was_skipped)
{
    char         err[160];
    size_t       i;
    const char  *doc;
    hd_jwks_t   *ks;
    static const struct {
        const char  *kty, *name;
        int          first, fill;
        size_t       bytes;
        const char  *why;
    } cases[] = {
        { "RSA", "n", 0xc5, 0xc5, 1100, "RSA modulus over 8192 bits" },
        { "RSA", "n", 0xc5, 0xc5, 1030, "RSA modulus over 8192 bits" },
        { "RSA", "n", 0xc5, 0xc5, 255, "RSA modulus under 2048 bits" },
        { "RSA", "n", 0x00, 0xc5, 256, "RSA modulus under 2048 bits" },
        { "RSA", "n", 0x00, 0xc4, 257, "public key fails OpenSSL's checks" },
        { "RSA", "e", 0x01, 0x01, 9, "RSA key without valid n and e" },
        { "EC", "y", 0x01, 0x01, 32, "EC point rejected by OpenSSL" },
        { "EC", "y", 0x01, 0x01, 31, "EC key without 32-byte x and y" },
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        doc = one_key_jwks(cases[i].kty, cases[i].name, cases[i].first,
                           cases[i].fill, cases[i].bytes);
        ks = hd_jwks_parse(doc, strlen(doc), err, sizeof(err));
        ck_assert_ptr_nonnull(ks);
        ck_assert_uint_eq(hd_jwks_count(ks), 0);
        ck_assert_str_eq(err, fmt("key 0 skipped: %s", cases[i].why));
        hd_jwks_free(ks);
    }
}
END_TEST


START_TEST(jwks_rejects_documents_without_a_keys_array)
{
    char         err[160];
    size_t       i;
    static const char  *bad[] = {
        "", "[]", "{}", "{\"keys\":{}}", "not json", "{\"keys\":[]} x",
        "{\"keys\":[],\"keys\":[]}",
    };

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_ptr_null(hd_jwks_parse(bad[i], strlen(bad[i]), err,
                                         sizeof(err)));
        ck_assert(err[0] != '\0');
    }

    ck_assert_uint_eq(hd_jwks_count(NULL), 0);
    hd_jwks_free(NULL);
}
END_TEST


/* --- accepted tokens ----------------------------------------------------- */


START_TEST(jwt_accepts_rs256_and_extracts_claims)
{
    hd_jwt_claims_t  c;

    ck_assert_int_eq(check(HDR_RS,
        "{" C_ISS ",\"aud\":[\"account\",\"" AUD "\"]," C_SUB "," C_EXP
        ",\"iat\":1699999990,\"nbf\":1699999990,\"azp\":\"spa\""
        ",\"email\":\"ann@example.com\",\"email_verified\":true"
        ",\"name\":\"Ann Agent\",\"preferred_username\":\"ann\""
        ",\"realm_access\":{\"roles\":[\"agent\",\"team_lead\"]}}",
        rsa_key, &c), HD_JWT_OK);

    ck_assert_str_eq(c.sub, "u-123");
    ck_assert_str_eq(c.email, "ann@example.com");
    ck_assert_int_eq(c.email_verified, HD_JWT_TRUE);
    ck_assert_str_eq(c.name, "Ann Agent");
    ck_assert_uint_eq(c.nroles, 2);
    ck_assert_str_eq(c.roles[0], "agent");
    ck_assert_str_eq(c.roles[1], "team_lead");
    ck_assert_uint_eq(c.roles_dropped, 0);
    ck_assert_int_eq(c.exp, 1700000300);
    ck_assert_str_eq(c.kid, "rsa-1");
    ck_assert_int_eq(c.alg, HD_JWT_ALG_RS256);
}
END_TEST


START_TEST(jwt_accepts_es256_for_every_signature_shape)
{
    int              i, padded, stripped;
    char            *t;
    size_t           len;
    unsigned char    raw[64];
    hd_jwt_claims_t  c;

    /*
     * In DER, an r or s with its top bit set needs a 0x00 pad, and one
     * with a leading zero byte (followed by a byte under 0x80) must lose
     * it: mint until both shapes have verified.
     */

    padded = 0;
    stripped = 0;

    for (i = 0; i < 5000 && !(padded && stripped); i++) {
        t = mint(HDR_ES, fmt("{" BASE ",\"jti\":\"%d\"}", i), ec_key);
        ck_assert_int_eq(verify_as(t, &expect, NOW, &c), HD_JWT_OK);

        ck_assert_int_eq(hd_b64url_decode(strrchr(t, '.') + 1,
                                          strlen(strrchr(t, '.') + 1),
                                          raw, sizeof(raw), &len), 0);
        ck_assert_uint_eq(len, 64);
        free(t);

        padded |= (raw[0] & 0x80) || (raw[32] & 0x80);
        stripped |= (raw[0] == 0 && raw[1] < 0x80)
                    || (raw[32] == 0 && raw[33] < 0x80);
    }

    ck_assert(padded && stripped);
    ck_assert_str_eq(c.kid, "ec-1");
    ck_assert_int_eq(c.alg, HD_JWT_ALG_ES256);
    ck_assert_int_eq(c.email_verified, HD_JWT_ABSENT);
    ck_assert_uint_eq(c.nroles, 0);
}
END_TEST


START_TEST(jwt_reads_roles_from_a_literal_claim_name_with_dots)
{
    hd_jwt_claims_t  c;
    char            *t;
    hd_jwt_expect_t  e = expect;

    e.roles_claim = "https://helpdesk.example/roles";
    t = mint(HDR_RS, "{" BASE ",\"https://helpdesk.example/roles\":"
             "[\"admin\"]}", rsa_key);
    ck_assert_int_eq(verify_as(t, &e, NOW, &c), HD_JWT_OK);
    ck_assert_uint_eq(c.nroles, 1);
    ck_assert_str_eq(c.roles[0], "admin");
    free(t);

    /* one string is one role */
    e.roles_claim = "role";
    t = mint(HDR_RS, "{" BASE ",\"role\":\"manager\"}", rsa_key);
    ck_assert_int_eq(verify_as(t, &e, NOW, &c), HD_JWT_OK);
    ck_assert_uint_eq(c.nroles, 1);
    ck_assert_str_eq(c.roles[0], "manager");
    free(t);
}
END_TEST


START_TEST(jwt_caps_roles_and_counts_what_it_dropped)
{
    int              i;
    char             roles[2048];
    size_t           n;
    hd_jwt_claims_t  c;

    n = (size_t) snprintf(roles, sizeof(roles), "\"%0100d\",1", 7);
    for (i = 0; i < 40; i++) {
        n += (size_t) snprintf(roles + n, sizeof(roles) - n, ",\"r%d\"", i);
    }

    ck_assert_int_eq(check(HDR_RS,
                           fmt("{" BASE ",\"realm_access\":{\"roles\":[%s]}}",
                               roles), rsa_key, &c), HD_JWT_OK);
    ck_assert_uint_eq(c.nroles, HD_JWT_ROLES_MAX);
    ck_assert_str_eq(c.roles[0], "r0");
    ck_assert_str_eq(c.roles[31], "r31");
    ck_assert_uint_eq(c.roles_dropped, 2 + 8);  /* long, number, r32..r39 */
}
END_TEST


START_TEST(jwt_name_falls_back_and_email_verified_is_tri_state)
{
    int              i;
    char             name[1024];
    hd_jwt_claims_t  c;

    ck_assert_int_eq(check(HDR_RS, "{" BASE ",\"preferred_username\":\"jo\""
                           ",\"email_verified\":false}", rsa_key, &c),
                     HD_JWT_OK);
    ck_assert_str_eq(c.name, "jo");
    ck_assert_int_eq(c.email_verified, HD_JWT_FALSE);
    ck_assert_str_eq(c.email, "");

    ck_assert_int_eq(check(HDR_RS, "{" BASE ",\"email_verified\":\"true\"}",
                           rsa_key, &c), HD_JWT_OK);
    ck_assert_int_eq(c.email_verified, HD_JWT_TRUE);

    ck_assert_int_eq(check(HDR_RS, "{" BASE ",\"email_verified\":1}",
                           rsa_key, &c), HD_JWT_OK);
    ck_assert_int_eq(c.email_verified, HD_JWT_ABSENT);

    /* a long name is cut whole characters at a time: 2-byte "é" */

    for (i = 0; i < 200; i++) {
        memcpy(name + 2 * i, "\xc3\xa9", 2);
    }
    name[400] = '\0';

    ck_assert_int_eq(check(HDR_RS, fmt("{" BASE ",\"name\":\"%s\"}", name),
                           rsa_key, &c), HD_JWT_OK);
    ck_assert_uint_eq(strlen(c.name), 254);
}
END_TEST


/* --- time ---------------------------------------------------------------- */


START_TEST(jwt_accepts_expired_within_skew_rejects_past_it)
{
    const char  *p = "{" C_ISS "," C_AUD "," C_SUB ",\"exp\":%d}";

    ck_assert_int_eq(check(HDR_RS, fmt(p, NOW - 59), rsa_key, NULL),
                     HD_JWT_OK);
    ck_assert_int_eq(check(HDR_RS, fmt(p, NOW - 60), rsa_key, NULL),
                     HD_JWT_EXPIRED);
    ck_assert_int_eq(check(HDR_RS, fmt(p, NOW - 3600), rsa_key, NULL),
                     HD_JWT_EXPIRED);
}
END_TEST


START_TEST(jwt_rejects_nbf_or_iat_in_the_future)
{
    const char  *p = "{" BASE ",\"%s\":%d}";

    ck_assert_int_eq(check(HDR_RS, fmt(p, "nbf", NOW + 60), rsa_key, NULL),
                     HD_JWT_OK);
    ck_assert_int_eq(check(HDR_RS, fmt(p, "nbf", NOW + 61), rsa_key, NULL),
                     HD_JWT_NOT_YET_VALID);
    ck_assert_int_eq(check(HDR_RS, fmt(p, "iat", NOW + 3600), rsa_key, NULL),
                     HD_JWT_NOT_YET_VALID);
}
END_TEST


START_TEST(jwt_rejects_missing_or_non_numeric_exp)
{
    ck_assert_int_eq(check(HDR_RS, "{" C_ISS "," C_AUD "," C_SUB "}",
                           rsa_key, NULL), HD_JWT_BAD_CLAIM);
    ck_assert_int_eq(check(HDR_RS, "{" C_ISS "," C_AUD "," C_SUB
                           ",\"exp\":\"1700000300\"}", rsa_key, NULL),
                     HD_JWT_BAD_CLAIM);
    ck_assert_int_eq(check(HDR_RS, "{" C_ISS "," C_AUD "," C_SUB
                           ",\"exp\":1e400}", rsa_key, NULL),
                     HD_JWT_BAD_CLAIM);
    ck_assert_int_eq(check(HDR_RS, "{" BASE ",\"nbf\":-1}", rsa_key, NULL),
                     HD_JWT_BAD_CLAIM);
}
END_TEST


/* --- issuer, audience, subject, token kind -------------------------------- */


START_TEST(jwt_rejects_wrong_audience)
{
    const char  *p = "{" C_ISS "," C_SUB "," C_EXP "%s}";

    ck_assert_int_eq(check(HDR_RS, fmt(p, ",\"aud\":\"other\""), rsa_key,
                           NULL), HD_JWT_BAD_AUDIENCE);
    ck_assert_int_eq(check(HDR_RS, fmt(p, ",\"aud\":[\"other\",\"x\"]"),
                           rsa_key, NULL), HD_JWT_BAD_AUDIENCE);
    ck_assert_int_eq(check(HDR_RS, fmt(p, ",\"aud\":\"helpdesk-ap\""),
                           rsa_key, NULL), HD_JWT_BAD_AUDIENCE);
    ck_assert_int_eq(check(HDR_RS, fmt(p, ",\"aud\":{\"" AUD "\":1}"),
                           rsa_key, NULL), HD_JWT_BAD_AUDIENCE);
    ck_assert_int_eq(check(HDR_RS, fmt(p, ""), rsa_key, NULL),
                     HD_JWT_BAD_AUDIENCE);
}
END_TEST


START_TEST(jwt_rejects_wrong_issuer)
{
    const char  *p = "{" C_AUD "," C_SUB "," C_EXP "%s}";

    ck_assert_int_eq(check(HDR_RS, fmt(p, ",\"iss\":\"https://evil.example\""),
                           rsa_key, NULL), HD_JWT_BAD_ISSUER);
    ck_assert_int_eq(check(HDR_RS, fmt(p, ",\"iss\":\"" ISS "/\""), rsa_key,
                           NULL), HD_JWT_BAD_ISSUER);
    ck_assert_int_eq(check(HDR_RS, fmt(p, ",\"iss\":[\"" ISS "\"]"), rsa_key,
                           NULL), HD_JWT_BAD_ISSUER);
    ck_assert_int_eq(check(HDR_RS, fmt(p, ""), rsa_key, NULL),
                     HD_JWT_BAD_ISSUER);
}
END_TEST


START_TEST(jwt_rejects_id_token_as_access_token)
{
    ck_assert_int_eq(check(HDR_RS, "{" BASE ",\"nonce\":\"n-0S6_WzA2Mj\"}",
                           rsa_key, NULL), HD_JWT_ID_TOKEN);
    ck_assert_int_eq(check(HDR_RS, "{" BASE ",\"at_hash\":\"77QmUPtjPfzW\"}",
                           rsa_key, NULL), HD_JWT_ID_TOKEN);
}
END_TEST


START_TEST(jwt_rejects_missing_or_empty_subject)
{
    const char  *p = "{" C_ISS "," C_AUD "," C_EXP "%s}";

    ck_assert_int_eq(check(HDR_RS, fmt(p, ""), rsa_key, NULL),
                     HD_JWT_NO_SUBJECT);
    ck_assert_int_eq(check(HDR_RS, fmt(p, ",\"sub\":\"\""), rsa_key, NULL),
                     HD_JWT_NO_SUBJECT);
    ck_assert_int_eq(check(HDR_RS, fmt(p, ",\"sub\":123"), rsa_key, NULL),
                     HD_JWT_NO_SUBJECT);
}
END_TEST


START_TEST(jwt_rejects_foreign_typ_and_crit_header)
{
    ck_assert_int_eq(check("{\"alg\":\"RS256\",\"kid\":\"rsa-1\","
                           "\"typ\":\"logout+jwt\"}", "{" BASE "}", rsa_key,
                           NULL), HD_JWT_BAD_TYPE);
    ck_assert_int_eq(check("{\"alg\":\"RS256\",\"kid\":\"rsa-1\","
                           "\"crit\":[\"b64\"],\"b64\":false}", "{" BASE "}",
                           rsa_key, NULL), HD_JWT_BAD_TYPE);
    ck_assert_int_eq(check("{\"alg\":\"RS256\",\"kid\":\"rsa-1\","
                           "\"typ\":\"application/AT+JWT\"}", "{" BASE "}",
                           rsa_key, NULL), HD_JWT_OK);
}
END_TEST


START_TEST(jwt_rejects_claims_given_twice)
{
    ck_assert_int_eq(check(HDR_RS, "{" BASE ",\"iss\":\"https://evil\"}",
                           rsa_key, NULL), HD_JWT_MALFORMED);
    ck_assert_int_eq(check("{\"alg\":\"RS256\",\"kid\":\"rsa-1\","
                           "\"kid\":\"ec-1\"}", "{" BASE "}", rsa_key, NULL),
                     HD_JWT_MALFORMED);
    ck_assert_int_eq(check(HDR_RS, "{" BASE ",\"realm_access\":{\"roles\":[],"
                           "\"roles\":[\"admin\"]}}", rsa_key, NULL),
                     HD_JWT_MALFORMED);
}
END_TEST


START_TEST(jwt_rejects_escaped_nul_that_would_cut_a_claim)
{
    ck_assert_int_eq(check(HDR_RS, "{" BASE ",\"email_verified\":true,"
                           "\"email\":\"boss@example.com\\u0000@evil.test\"}",
                           rsa_key, NULL), HD_JWT_MALFORMED);

    /* an escaped backslash before "u0000" is only text */
    ck_assert_int_eq(check(HDR_RS, "{" BASE ",\"name\":\"a\\\\u0000\"}",
                           rsa_key, NULL), HD_JWT_OK);
}
END_TEST


/* --- forgeries ----------------------------------------------------------- */


START_TEST(jwt_rejects_alg_none_with_and_without_signature)
{
    char         *in, *t;
    size_t        i;
    const char   *u;
    static const char  *hdrs[] = {
        "{\"alg\":\"none\"}",
        "{\"alg\":\"none\",\"kid\":\"rsa-1\"}",
        "{\"alg\":\"None\",\"kid\":\"rsa-1\"}",
        "{\"alg\":\"\",\"kid\":\"ec-1\"}",
        "{\"kid\":\"rsa-1\"}",
    };

    for (i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
        in = signing_input(hdrs[i], "{" BASE "}");

        u = fmt("%s.", in);                             /* empty signature */
        ck_assert_int_eq(verify(u), HD_JWT_MALFORMED);

        ck_assert_int_eq(verify(in), HD_JWT_MALFORMED);  /* two segments */

        t = attach(in, (const unsigned char *) "sig", 3);
        ck_assert_int_eq(verify(t), HD_JWT_BAD_ALG);
        free(t);
    }
}
END_TEST


START_TEST(jwt_rejects_hs256_keyed_with_the_rsa_public_key)
{
    int                 dlen;
    char               *t, *jwk_text;
    BIO                *bio;
    long                plen;
    size_t              i, h, n, klen;
    cJSON              *j;
    BIGNUM             *bn;
    OSSL_ENCODER_CTX   *ectx;
    const char         *pem;
    unsigned char      *der, *p, *pkcs1, nbytes[256];
    const void         *secrets[5];
    size_t              lens[5];
    static const char  *hdrs[] = {
        "{\"alg\":\"HS256\",\"kid\":\"rsa-1\",\"typ\":\"JWT\"}",
        "{\"alg\":\"HS256\"}",
        HDR_RS,                 /* HMAC bytes under an RS256 header */
    };

    /* the public key as an attacker finds it: SPKI PEM and DER, PKCS#1 PEM,
     * the bare modulus, the JWK text */

    bio = BIO_new(BIO_s_mem());
    ck_assert_int_eq(PEM_write_bio_PUBKEY(bio, rsa_key), 1);
    plen = BIO_get_mem_data(bio, &pem);
    secrets[0] = pem;
    lens[0] = (size_t) plen;

    dlen = i2d_PUBKEY(rsa_key, NULL);
    der = malloc((size_t) dlen);
    p = der;
    i2d_PUBKEY(rsa_key, &p);
    secrets[1] = der;
    lens[1] = (size_t) dlen;

    pkcs1 = NULL;
    klen = 0;
    ectx = OSSL_ENCODER_CTX_new_for_pkey(rsa_key, EVP_PKEY_PUBLIC_KEY, "PEM",
                                         "type-specific", NULL);
    ck_assert_int_eq(OSSL_ENCODER_to_data(ectx, &pkcs1, &klen), 1);
    OSSL_ENCODER_CTX_free(ectx);
    secrets[2] = pkcs1;
    lens[2] = klen;

    bn = NULL;
    ck_assert_int_eq(EVP_PKEY_get_bn_param(rsa_key, OSSL_PKEY_PARAM_RSA_N,
                                           &bn), 1);
    n = (size_t) BN_bn2bin(bn, nbytes);
    BN_free(bn);
    secrets[3] = nbytes;
    lens[3] = n;

    j = jwk(rsa_key, "rsa-1");
    jwk_text = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    secrets[4] = jwk_text;
    lens[4] = strlen(jwk_text);

    for (i = 0; i < 5; i++) {
        for (h = 0; h < sizeof(hdrs) / sizeof(hdrs[0]); h++) {
            t = mint_hs256(hdrs[h], "{" BASE "}", secrets[i], lens[i]);
            ck_assert_int_eq(verify(t), h < 2 ? HD_JWT_BAD_ALG
                                              : HD_JWT_BAD_SIGNATURE);
            free(t);
        }
    }

    free(jwk_text);
    OPENSSL_free(pkcs1);
    free(der);
    BIO_free(bio);
}
END_TEST


START_TEST(jwt_rejects_alg_that_does_not_match_the_key)
{
    /* each header is signed correctly by the key its alg names */

    ck_assert_int_eq(check("{\"alg\":\"RS256\",\"kid\":\"ec-1\"}",
                           "{" BASE "}", rsa_key, NULL), HD_JWT_BAD_ALG);
    ck_assert_int_eq(check("{\"alg\":\"ES256\",\"kid\":\"rsa-1\"}",
                           "{" BASE "}", ec_key, NULL), HD_JWT_BAD_ALG);
}
END_TEST


START_TEST(jwt_rejects_unknown_or_missing_kid)
{
    char             *t;
    hd_jwt_error_t    e;
    hd_jwt_claims_t   c;

    ck_assert_int_eq(check("{\"alg\":\"RS256\",\"kid\":\"rsa-2\"}",
                           "{" BASE "}", rsa_key, NULL), HD_JWT_UNKNOWN_KID);
    ck_assert_int_eq(check("{\"alg\":\"RS256\"}", "{" BASE "}", rsa_key,
                           NULL), HD_JWT_UNKNOWN_KID);
    ck_assert_int_eq(check("{\"alg\":\"RS256\",\"kid\":1}", "{" BASE "}",
                           rsa_key, NULL), HD_JWT_UNKNOWN_KID);

    /* no JWKS loaded yet */
    t = mint(HDR_RS, "{" BASE "}", rsa_key);
    ck_assert_int_eq(hd_jwt_verify(NULL, t, strlen(t), &expect, NOW, &c, &e),
                     HD_JWT_UNKNOWN_KID);
    free(t);
}
END_TEST


START_TEST(jwt_rejects_signature_by_another_key)
{
    ck_assert_int_eq(check(HDR_RS, "{" BASE "}", rsa_other, NULL),
                     HD_JWT_BAD_SIGNATURE);
}
END_TEST


START_TEST(jwt_ignores_a_key_embedded_in_the_header)
{
    char      *h, *jk;
    cJSON     *j;
    EVP_PKEY  *mallory;

    mallory = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    j = jwk(mallory, "ec-1");
    jk = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);

    h = strdup(fmt("{\"alg\":\"ES256\",\"kid\":\"ec-1\",\"jwk\":%s}", jk));
    ck_assert_int_eq(check(h, "{" BASE "}", mallory, NULL),
                     HD_JWT_BAD_SIGNATURE);

    free(h);
    free(jk);
    EVP_PKEY_free(mallory);
}
END_TEST


START_TEST(jwt_rejects_tampered_payload)
{
    char           *t, *p, *dot1, *dot2, *enc, *forged;
    size_t          len;
    unsigned char   dec[1024];

    t = mint(HDR_RS, "{" BASE ",\"realm_access\":{\"roles\":[\"agent\"]}}",
             rsa_key);
    dot1 = strchr(t, '.');
    dot2 = strchr(dot1 + 1, '.');

    ck_assert_int_eq(hd_b64url_decode(dot1 + 1, (size_t) (dot2 - dot1 - 1),
                                      dec, sizeof(dec) - 1, &len), 0);
    dec[len] = '\0';
    p = strstr((char *) dec, "u-123");
    ck_assert_ptr_nonnull(p);
    p[4] = '4';                                         /* u-124 */

    enc = b64(dec, len);
    *dot1 = '\0';
    forged = strdup(fmt("%s.%s%s", t, enc, dot2));
    ck_assert_int_eq(verify(forged), HD_JWT_BAD_SIGNATURE);

    /* and one flipped signature bit */
    *dot1 = '.';
    len = strlen(t);
    t[len - 2] = t[len - 2] == 'A' ? 'B' : 'A';
    ck_assert_int_eq(verify(t), HD_JWT_BAD_SIGNATURE);

    free(forged);
    free(enc);
    free(t);
}
END_TEST


START_TEST(jwt_rejects_es256_signature_of_wrong_length)
{
    char           *in, *t;
    size_t          len;
    unsigned char   der[80], raw[65];

    in = signing_input(HDR_ES, "{" BASE "}");
    len = sign_der(ec_key, in, der, sizeof(der));

    t = attach(strdup(in), der, len);                   /* DER, not r||s */
    ck_assert_int_eq(verify(t), HD_JWT_BAD_SIGNATURE);
    free(t);

    der_to_raw(der, len, raw);
    raw[64] = 0;

    t = attach(strdup(in), raw, 65);
    ck_assert_int_eq(verify(t), HD_JWT_BAD_SIGNATURE);
    free(t);

    t = attach(strdup(in), raw, 63);
    ck_assert_int_eq(verify(t), HD_JWT_BAD_SIGNATURE);
    free(t);

    t = attach(in, raw, 64);                            /* the real one */
    ck_assert_int_eq(verify(t), HD_JWT_OK);
    free(t);
}
END_TEST


/* --- malformed input ----------------------------------------------------- */


START_TEST(jwt_rejects_every_truncation_of_a_valid_token)
{
    char             *t;
    size_t            len, i;
    hd_jwt_error_t    e;
    hd_jwt_claims_t   c;

    t = mint(HDR_ES, "{" BASE "}", ec_key);
    len = strlen(t);

    for (i = 0; i < len; i++) {
        ck_assert_int_ne(hd_jwt_verify(jwks, t, i, &expect, NOW, &c, &e),
                         HD_JWT_OK);
    }

    ck_assert_int_eq(hd_jwt_verify(jwks, t, len, &expect, NOW, &c, &e),
                     HD_JWT_OK);
    free(t);
}
END_TEST


START_TEST(jwt_rejects_garbage_padding_and_whitespace_in_segments)
{
    char        *t, *h, *s, *big;
    size_t       i;
    const char  *bad[12];

    t = mint(HDR_RS, "{" BASE "}", rsa_key);
    h = strdup(t);
    *strchr(h, '.') = '\0';                             /* header segment */
    s = strrchr(t, '.') + 1;                            /* signature */

    i = 0;
    bad[i++] = "";
    bad[i++] = "...";
    bad[i++] = "\xff\xfe.\x01.\x02";
    bad[i++] = strdup(fmt("%s=", t));                   /* padded sig */
    bad[i++] = strdup(fmt("%s.%s", t, s));              /* four segments */
    bad[i++] = strdup(fmt(" %s", t));
    bad[i++] = strdup(fmt("%s\n", t));
    bad[i++] = strdup(fmt("%s==.%s", h, strchr(t, '.') + 1));
    bad[i++] = strdup(fmt("%s.e30.%s", h, s));         /* payload {} */
    bad[i++] = strdup(fmt("bm90IGpzb24.%s", strchr(t, '.') + 1)); /* not json */
    bad[i++] = strdup(fmt("WzFd.%s", strchr(t, '.') + 1));        /* [1] */

    ck_assert_int_eq(verify(bad[0]), HD_JWT_MALFORMED);

    for (i = 1; i < 11; i++) {
        ck_assert_msg(verify(bad[i]) != HD_JWT_OK, "accepted bad[%zu]", i);
    }

    for (i = 3; i < 11; i++) {
        free((char *) bad[i]);
    }

    /* '+' and '/' are base64, not base64url */
    s[0] = '+';
    ck_assert_int_eq(verify(t), HD_JWT_MALFORMED);

    /* a valid signature over a payload that is not JSON */
    free(t);
    t = mint(HDR_RS, "not json", rsa_key);
    ck_assert_int_eq(verify(t), HD_JWT_MALFORMED);

    big = malloc(HD_JWT_TOKEN_MAX + 2);
    memset(big, 'A', HD_JWT_TOKEN_MAX + 1);
    big[HD_JWT_TOKEN_MAX + 1] = '\0';
    ck_assert_int_eq(verify(big), HD_JWT_TOO_LARGE);

    free(big);
    free(h);
    free(t);
}
END_TEST


START_TEST(jwt_error_messages_never_quote_the_token)
{
    char             *t;
    hd_jwt_code_t     rc;
    hd_jwt_error_t    e;
    hd_jwt_claims_t   c;

    t = mint("{\"alg\":\"RS256\",\"kid\":\"SECRET-kid\"}",
             "{\"iss\":\"SECRET-iss\"}", rsa_key);
    rc = hd_jwt_verify(jwks, t, strlen(t), &expect, NOW, &c, &e);
    ck_assert_int_eq(rc, HD_JWT_UNKNOWN_KID);
    ck_assert_ptr_null(strstr(e.message, "SECRET"));
    ck_assert_str_eq(hd_jwt_code_name(rc), "unknown_kid");
    free(t);

    ck_assert_str_eq(hd_jwt_code_name(HD_JWT_ID_TOKEN), "id_token");
    ck_assert_str_eq(hd_jwt_code_name(HD_JWT_INTERNAL), "internal");
    ck_assert_str_eq(hd_jwt_code_name(HD_JWT_CODE_COUNT), "unknown");
}
END_TEST


Suite *
hd_jwt_suite(void)
{
    Suite  *s;
    TCase  *tc;

    s = suite_create("jwt");

    tc = tcase_create("b64url");
    tcase_add_test(tc, b64url_round_trips_and_matches_openssl);
    tcase_add_test(tc, b64url_decode_rejects_anything_not_canonical);
    suite_add_tcase(s, tc);

    tc = tcase_create("verify");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, jwks_skips_keys_it_must_not_use);
    tcase_add_test(tc, jwks_names_why_a_key_was_skipped);
    tcase_add_test(tc, jwks_rejects_documents_without_a_keys_array);
    tcase_add_test(tc, jwt_accepts_rs256_and_extracts_claims);
    tcase_add_test(tc, jwt_accepts_es256_for_every_signature_shape);
    tcase_add_test(tc, jwt_reads_roles_from_a_literal_claim_name_with_dots);
    tcase_add_test(tc, jwt_caps_roles_and_counts_what_it_dropped);
    tcase_add_test(tc, jwt_name_falls_back_and_email_verified_is_tri_state);
    tcase_add_test(tc, jwt_accepts_expired_within_skew_rejects_past_it);
    tcase_add_test(tc, jwt_rejects_nbf_or_iat_in_the_future);
    tcase_add_test(tc, jwt_rejects_missing_or_non_numeric_exp);
    tcase_add_test(tc, jwt_rejects_wrong_audience);
    tcase_add_test(tc, jwt_rejects_wrong_issuer);
    tcase_add_test(tc, jwt_rejects_id_token_as_access_token);
    tcase_add_test(tc, jwt_rejects_missing_or_empty_subject);
    tcase_add_test(tc, jwt_rejects_foreign_typ_and_crit_header);
    tcase_add_test(tc, jwt_rejects_claims_given_twice);
    tcase_add_test(tc, jwt_rejects_escaped_nul_that_would_cut_a_claim);
    tcase_add_test(tc, jwt_rejects_alg_none_with_and_without_signature);
    tcase_add_test(tc, jwt_rejects_hs256_keyed_with_the_rsa_public_key);
    tcase_add_test(tc, jwt_rejects_alg_that_does_not_match_the_key);
    tcase_add_test(tc, jwt_rejects_unknown_or_missing_kid);
    tcase_add_test(tc, jwt_rejects_signature_by_another_key);
    tcase_add_test(tc, jwt_ignores_a_key_embedded_in_the_header);
    tcase_add_test(tc, jwt_rejects_tampered_payload);
    tcase_add_test(tc, jwt_rejects_es256_signature_of_wrong_length);
    tcase_add_test(tc, jwt_rejects_every_truncation_of_a_valid_token);
    tcase_add_test(tc, jwt_rejects_garbage_padding_and_whitespace_in_segments);
    tcase_add_test(tc, jwt_error_messages_never_quote_the_token);
    suite_add_tcase(s, tc);

    return s;
}
