/*
 * hd_jwt — JWKS parsing and RS256/ES256 access-token verification.
 *
 * The JWKS becomes a fixed array of keys, each an EVP_PKEY built once with
 * EVP_PKEY_fromdata() and pinned to one algorithm.  A verification decodes
 * the three segments into one scratch block, parses the header, picks the
 * key, checks the signature over the encoded "header.payload" bytes, and
 * only then parses the payload and reads the claims.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "hd_b64.h"
#include "hd_json.h"
#include "hd_jwt.h"


#define HD_JWT_TIME_MAX     253402300799.0  /* 9999-12-31T23:59:59Z */
#define HD_JWT_SKEW_MAX     86400
#define HD_JWT_ES256_LEN    64              /* raw r || s */
#define HD_JWT_ES256_DER    72              /* SEQUENCE of two INTEGERs */
#define HD_JWK_RSA_N_MAX    (HD_JWKS_RSA_MAX_BITS / 8 + 16)  /* + zeros */
#define HD_JWK_RSA_E_MAX    8
#define HD_JWK_EC_COORD     32

typedef struct {
    char           kid[HD_JWT_KID_MAX + 1];
    hd_jwt_alg_t   alg;
    size_t         sig_len;     /* RSA: modulus bytes; EC: 64 (raw r || s) */
    EVP_PKEY      *pkey;
} hd_jwk_t;

struct hd_jwks_s {
    size_t     nkeys;
    size_t     skipped;
    hd_jwk_t   keys[HD_JWKS_KEYS_MAX];
};

/* The claims a payload may carry, looked up once, before any is judged. */
typedef struct {
    const cJSON  *iss;
    const cJSON  *aud;
    const cJSON  *exp;
    const cJSON  *nbf;
    const cJSON  *iat;
    const cJSON  *nonce;
    const cJSON  *at_hash;
    const cJSON  *sub;
    const cJSON  *email;
    const cJSON  *email_verified;
    const cJSON  *name;
    const cJSON  *preferred_username;
    const cJSON  *roles;
} hd_jwt_payload_t;


static const char  *hd_jwt_code_names[HD_JWT_CODE_COUNT] = {
    "ok",
    "malformed",
    "too_large",
    "bad_alg",
    "bad_type",
    "unknown_kid",
    "bad_signature",
    "expired",
    "not_yet_valid",
    "bad_issuer",
    "bad_audience",
    "id_token",
    "no_subject",
    "bad_claim",
    "internal",
};


const char *
hd_jwt_code_name(hd_jwt_code_t code)
{
    if ((unsigned) code >= HD_JWT_CODE_COUNT) {
        return "unknown";
    }

    return hd_jwt_code_names[code];
}


/* --- JSON helpers -------------------------------------------------------- */


/*
 * 1 when a JSON text holds the escape \u0000.  cJSON decodes it into a NUL
 * inside valuestring, which would silently cut the string short there
 * ("victim@example.com\u0000@attacker.example").
 */
static int
hd_jwt_has_nul_escape(const unsigned char *s, size_t len)
{
    size_t  i;

    for (i = 0; i + 1 < len; i++) {
        if (s[i] != '\\') {
            continue;
        }

        if (s[i + 1] == 'u' && len - i >= 6
            && memcmp(s + i + 2, "0000", 4) == 0)
        {
            return 1;
        }

        i++;    /* skip the escaped character */
    }

    return 0;
}


/* A JSON object from len bytes, or NULL (not JSON, not an object, NUL). */
static cJSON *
hd_jwt_parse_object(const unsigned char *data, size_t len)
{
    cJSON            *doc;
    hd_json_error_t   jerr;

    if (hd_jwt_has_nul_escape(data, len)) {
        return NULL;
    }

    doc = hd_json_parse((const char *) data, len, &jerr);

    if (doc != NULL && !cJSON_IsObject(doc)) {
        cJSON_Delete(doc);
        return NULL;
    }

    return doc;
}


/*
 * The member of obj named by the n bytes of name, or NULL.  A name that
 * occurs twice sets *dup and yields NULL: RFC 7515 lets parsers pick either
 * copy, so another reader of the same token could see the other one.
 */
static const cJSON *
hd_jwt_get_n(const cJSON *obj, const char *name, size_t n, int *dup)
{
    const cJSON  *it, *found;

    found = NULL;

    cJSON_ArrayForEach(it, obj) {
        if (it->string == NULL || strncmp(it->string, name, n) != 0
            || it->string[n] != '\0')
        {
            continue;
        }

        if (found != NULL) {
            *dup = 1;
            return NULL;
        }

        found = it;
    }

    return found;
}


static const cJSON *
hd_jwt_get(const cJSON *obj, const char *name, int *dup)
{
    return hd_jwt_get_n(obj, name, strlen(name), dup);
}


/* The string value of item, or NULL when it is absent or not a string. */
static const char *
hd_jwt_str(const cJSON *item)
{
    return cJSON_IsString(item) ? item->valuestring : NULL;
}


/* --- JWKS ---------------------------------------------------------------- */


static void
hd_jwks_error(char *err, size_t errlen, const char *msg)
{
    if (err != NULL && errlen > 0) {
        snprintf(err, errlen, "%s", msg);
    }
}


/* Decodes a base64url member of jwk into out; -1 when absent or bad. */
static int
hd_jwk_bytes(const cJSON *jwk, const char *name, unsigned char *out,
    size_t outsize, size_t *outlen, int *dup)
{
    const char  *s;

    s = hd_jwt_str(hd_jwt_get(jwk, name, dup));
    if (s == NULL) {
        return -1;
    }

    return hd_b64url_decode(s, strlen(s), out, outsize, outlen);
}


static EVP_PKEY *
hd_jwk_fromdata(const char *type, OSSL_PARAM *params)
{
    EVP_PKEY      *pkey;
    EVP_PKEY_CTX  *ctx;

    pkey = NULL;

    ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    if (ctx == NULL) {
        return NULL;
    }

    if (EVP_PKEY_fromdata_init(ctx) != 1
        || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
    {
        pkey = NULL;
    }

    EVP_PKEY_CTX_free(ctx);

    return pkey;
}


/* An RSA public key from the JWK's n and e, or NULL with *why set. */
static EVP_PKEY *
hd_jwk_rsa(const cJSON *jwk, const char **why, int *dup)
{
    int              top;
    size_t           nlen, elen, bits;
    BIGNUM          *n, *e;
    EVP_PKEY        *pkey;
    OSSL_PARAM      *params;
    const char      *s;
    OSSL_PARAM_BLD  *bld;
    unsigned char    nbuf[HD_JWK_RSA_N_MAX], ebuf[HD_JWK_RSA_E_MAX];
    unsigned char   *np;

    s = hd_jwt_str(hd_jwt_get(jwk, "n", dup));
    if (s != NULL && strlen(s) > HD_B64URL_ENCODED_LEN(sizeof(nbuf))) {
        *why = "RSA modulus over 8192 bits";
        return NULL;
    }

    if (hd_jwk_bytes(jwk, "n", nbuf, sizeof(nbuf), &nlen, dup) != 0
        || hd_jwk_bytes(jwk, "e", ebuf, sizeof(ebuf), &elen, dup) != 0
        || elen == 0)
    {
        *why = "RSA key without valid n and e";
        return NULL;
    }

    /* RFC 7518 forbids leading zeros in n; tolerate them, do not count them */

    np = nbuf;
    while (nlen > 0 && *np == 0) {
        np++;
        nlen--;
    }

    bits = 0;
    if (nlen > 0) {
        for (top = 8; top > 0 && !(np[0] & (1u << (top - 1))); top--) {
            /* void */
        }
        bits = (nlen - 1) * 8 + (size_t) top;
    }

    if (bits < HD_JWKS_RSA_MIN_BITS) {
        *why = "RSA modulus under 2048 bits";
        return NULL;
    }

    if (bits > HD_JWKS_RSA_MAX_BITS) {
        *why = "RSA modulus over 8192 bits";
        return NULL;
    }

    *why = "RSA key rejected by OpenSSL";

    pkey = NULL;
    params = NULL;
    n = BN_bin2bn(np, (int) nlen, NULL);
    e = BN_bin2bn(ebuf, (int) elen, NULL);
    bld = OSSL_PARAM_BLD_new();

    if (n != NULL && e != NULL && bld != NULL
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n)
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
    {
        params = OSSL_PARAM_BLD_to_param(bld);
    }

    if (params != NULL) {
        pkey = hd_jwk_fromdata("RSA", params);
    }

    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);

    return pkey;
}


/* A P-256 public key from the JWK's x and y, or NULL with *why set. */
static EVP_PKEY *
hd_jwk_ec(const cJSON *jwk, const char **why, int *dup)
{
    size_t          xlen, ylen;
    OSSL_PARAM      params[3];
    unsigned char   point[1 + 2 * HD_JWK_EC_COORD];
    char            group[] = "prime256v1";

    if (hd_jwk_bytes(jwk, "x", point + 1, HD_JWK_EC_COORD, &xlen, dup) != 0
        || hd_jwk_bytes(jwk, "y", point + 1 + HD_JWK_EC_COORD,
                        HD_JWK_EC_COORD, &ylen, dup) != 0
        || xlen != HD_JWK_EC_COORD || ylen != HD_JWK_EC_COORD)
    {
        *why = "EC key without 32-byte x and y";
        return NULL;
    }

    point[0] = 0x04;    /* uncompressed */

    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                                 group, 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
                                                  point, sizeof(point));
    params[2] = OSSL_PARAM_construct_end();

    *why = "EC point rejected by OpenSSL";

    return hd_jwk_fromdata("EC", params);
}


/* 1 when OpenSSL's public-key checks (point on curve, odd n, ...) pass. */
static int
hd_jwk_public_check(EVP_PKEY *pkey)
{
    int            ok;
    EVP_PKEY_CTX  *ctx;

    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    if (ctx == NULL) {
        return 0;
    }

    ok = EVP_PKEY_public_check(ctx) == 1;
    EVP_PKEY_CTX_free(ctx);

    return ok;
}


/* 1 when key_ops is absent or an array holding "verify". */
static int
hd_jwk_can_verify(const cJSON *ops)
{
    const cJSON  *it;

    if (ops == NULL) {
        return 1;
    }

    cJSON_ArrayForEach(it, ops) {
        if (cJSON_IsString(it) && strcmp(it->valuestring, "verify") == 0) {
            return 1;
        }
    }

    return 0;
}


static const hd_jwk_t *
hd_jwks_find(const hd_jwks_t *keys, const char *kid, hd_jwt_alg_t alg,
    int *kid_known)
{
    size_t  i;

    for (i = 0; i < keys->nkeys; i++) {
        if (strcmp(keys->keys[i].kid, kid) != 0) {
            continue;
        }

        *kid_known = 1;

        if (keys->keys[i].alg == alg) {
            return &keys->keys[i];
        }
    }

    return NULL;
}


/*
 * Adds the key jwk describes to keys.  Returns NULL when it was added, or
 * why it was skipped.
 */
static const char *
hd_jwks_add(hd_jwks_t *keys, const cJSON *jwk)
{
    int            dup, known;
    size_t         kid_len;
    hd_jwk_t      *k;
    EVP_PKEY      *pkey;
    const char    *kty, *crv, *use, *alg, *kid, *why;
    const cJSON   *use_item, *alg_item, *ops;
    hd_jwt_alg_t   pinned;

    if (!cJSON_IsObject(jwk)) {
        return "not a JSON object";
    }

    dup = 0;
    kty = hd_jwt_str(hd_jwt_get(jwk, "kty", &dup));
    crv = hd_jwt_str(hd_jwt_get(jwk, "crv", &dup));
    kid = hd_jwt_str(hd_jwt_get(jwk, "kid", &dup));
    use_item = hd_jwt_get(jwk, "use", &dup);
    alg_item = hd_jwt_get(jwk, "alg", &dup);
    ops = hd_jwt_get(jwk, "key_ops", &dup);
    use = hd_jwt_str(use_item);
    alg = hd_jwt_str(alg_item);

    if (dup) {
        return "a member appears twice";
    }

    if (kty == NULL) {
        return "no kty";
    }

    if (strcmp(kty, "RSA") == 0) {
        pinned = HD_JWT_ALG_RS256;

        if (alg != NULL && strcmp(alg, "RS256") != 0) {
            return "RSA key for an algorithm other than RS256";
        }

    } else if (strcmp(kty, "EC") == 0) {
        pinned = HD_JWT_ALG_ES256;

        if (crv == NULL || strcmp(crv, "P-256") != 0) {
            return "EC key on a curve other than P-256";
        }

        if (alg != NULL && strcmp(alg, "ES256") != 0) {
            return "EC key for an algorithm other than ES256";
        }

    } else {
        return "kty is neither RSA nor EC";
    }

    if (alg_item != NULL && alg == NULL) {
        return "alg is not a string";
    }

    if (use_item != NULL && (use == NULL || strcmp(use, "sig") != 0)) {
        return "use is not \"sig\"";
    }

    if (ops != NULL && (!cJSON_IsArray(ops) || !hd_jwk_can_verify(ops))) {
        return "key_ops lacks \"verify\"";
    }

    kid_len = kid != NULL ? strlen(kid) : 0;

    if (kid_len == 0 || kid_len > HD_JWT_KID_MAX) {
        return "no kid, or one over 127 bytes";
    }

    known = 0;
    if (hd_jwks_find(keys, kid, pinned, &known) != NULL) {
        return "kid repeated for the same algorithm";
    }

    if (keys->nkeys == HD_JWKS_KEYS_MAX) {
        return "too many keys";
    }

    pkey = pinned == HD_JWT_ALG_RS256 ? hd_jwk_rsa(jwk, &why, &dup)
                                      : hd_jwk_ec(jwk, &why, &dup);

    if (dup) {
        EVP_PKEY_free(pkey);
        return "a member appears twice";
    }

    if (pkey == NULL) {
        return why;
    }

    if (!hd_jwk_public_check(pkey)) {
        EVP_PKEY_free(pkey);
        return "public key fails OpenSSL's checks";
    }

    k = &keys->keys[keys->nkeys++];
    memcpy(k->kid, kid, kid_len + 1);
    k->alg = pinned;
    k->pkey = pkey;
    k->sig_len = pinned == HD_JWT_ALG_RS256 ? (size_t) EVP_PKEY_get_size(pkey)
                                            : HD_JWT_ES256_LEN;

    return NULL;
}


hd_jwks_t *
hd_jwks_parse(const char *json, size_t len, char *err, size_t errlen)
{
    int            dup;
    char           first[160];
    size_t         i;
    cJSON         *doc;
    hd_jwks_t     *keys;
    const char    *why;
    const cJSON   *arr, *jwk;

    hd_jwks_error(err, errlen, "");

    if (json == NULL || len > HD_JWKS_JSON_MAX) {
        hd_jwks_error(err, errlen, "JWKS missing or over 1 MiB");
        return NULL;
    }

    doc = hd_jwt_parse_object((const unsigned char *) json, len);
    if (doc == NULL) {
        hd_jwks_error(err, errlen, "JWKS is not a JSON object");
        return NULL;
    }

    dup = 0;
    arr = hd_jwt_get(doc, "keys", &dup);

    if (!cJSON_IsArray(arr)) {
        cJSON_Delete(doc);
        hd_jwks_error(err, errlen, "JWKS has no single \"keys\" array");
        return NULL;
    }

    keys = calloc(1, sizeof(hd_jwks_t));
    if (keys == NULL) {
        cJSON_Delete(doc);
        hd_jwks_error(err, errlen, "out of memory");
        return NULL;
    }

    first[0] = '\0';
    i = 0;

    cJSON_ArrayForEach(jwk, arr) {
        why = hd_jwks_add(keys, jwk);

        if (why != NULL) {
            if (keys->skipped++ == 0) {
                snprintf(first, sizeof(first), "key %zu skipped: %s", i, why);
            }
        }

        i++;
    }

    cJSON_Delete(doc);
    ERR_clear_error();

    hd_jwks_error(err, errlen, first);

    return keys;
}


void
hd_jwks_free(hd_jwks_t *keys)
{
    size_t  i;

    if (keys == NULL) {
        return;
    }

    for (i = 0; i < keys->nkeys; i++) {
        EVP_PKEY_free(keys->keys[i].pkey);
    }

    free(keys);
}


size_t
hd_jwks_count(const hd_jwks_t *keys)
{
    return keys != NULL ? keys->nkeys : 0;
}


size_t
hd_jwks_skipped(const hd_jwks_t *keys)
{
    return keys != NULL ? keys->skipped : 0;
}


/* --- signatures ---------------------------------------------------------- */


/* Appends the DER INTEGER for the 32-byte unsigned big-endian value b. */
static size_t
hd_jwt_der_integer(const unsigned char *b, size_t n, unsigned char *out)
{
    size_t  pad;

    while (n > 1 && b[0] == 0) {
        b++;
        n--;
    }

    pad = (b[0] & 0x80) ? 1 : 0;

    out[0] = 0x02;
    out[1] = (unsigned char) (n + pad);
    out[2] = 0x00;
    memcpy(out + 2 + pad, b, n);

    return 2 + pad + n;
}


/*
 * JWS ES256 signatures are raw r || s (RFC 7518 §3.4); OpenSSL wants the
 * DER ECDSA-Sig-Value.  Writes at most HD_JWT_ES256_DER bytes.
 */
static size_t
hd_jwt_es256_der(const unsigned char *raw, unsigned char *der)
{
    size_t  n;

    n = hd_jwt_der_integer(raw, 32, der + 2);
    n += hd_jwt_der_integer(raw + 32, 32, der + 2 + n);

    der[0] = 0x30;
    der[1] = (unsigned char) n;     /* at most 70: short form */

    return 2 + n;
}


/* HD_JWT_OK, HD_JWT_BAD_SIGNATURE or HD_JWT_INTERNAL. */
static hd_jwt_code_t
hd_jwt_check_signature(const hd_jwk_t *key, const unsigned char *signed_data,
    size_t signed_len, const unsigned char *sig, size_t sig_len)
{
    int             rc;
    size_t          der_len;
    EVP_MD_CTX     *md;
    EVP_PKEY_CTX   *pctx;
    unsigned char   der[HD_JWT_ES256_DER];

    if (sig_len != key->sig_len) {
        return HD_JWT_BAD_SIGNATURE;
    }

    if (key->alg == HD_JWT_ALG_ES256) {
        der_len = hd_jwt_es256_der(sig, der);
        sig = der;
        sig_len = der_len;
    }

    md = EVP_MD_CTX_new();
    if (md == NULL) {
        return HD_JWT_INTERNAL;
    }

    pctx = NULL;

    if (EVP_DigestVerifyInit_ex(md, &pctx, "SHA256", NULL, NULL, key->pkey,
                                NULL) != 1
        || (key->alg == HD_JWT_ALG_RS256
            && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) <= 0))
    {
        EVP_MD_CTX_free(md);
        return HD_JWT_INTERNAL;
    }

    /* 1 is a match; 0 a mismatch and negative an error, both failures */

    rc = EVP_DigestVerify(md, sig, sig_len, signed_data, signed_len);

    EVP_MD_CTX_free(md);

    return rc == 1 ? HD_JWT_OK : HD_JWT_BAD_SIGNATURE;
}


/* --- claims -------------------------------------------------------------- */


static hd_jwt_code_t
hd_jwt_fail(hd_jwt_error_t *e, hd_jwt_code_t code, const char *message)
{
    e->code = code;
    e->message = message;

    return code;
}


/*
 * A NumericDate member as whole seconds, rounded toward "less valid": down
 * for exp, up (round_up) for nbf and iat.  -1 when absent, -2 when not a
 * number in 0 .. year 9999.
 */
static int64_t
hd_jwt_time(const cJSON *item, int round_up)
{
    double   v;
    int64_t  t;

    if (item == NULL) {
        return -1;
    }

    if (!cJSON_IsNumber(item)) {
        return -2;
    }

    v = item->valuedouble;

    if (!(v >= 0 && v <= HD_JWT_TIME_MAX)) {
        return -2;
    }

    t = (int64_t) v;

    if (round_up && (double) t < v) {
        t++;
    }

    return t;
}


static int
hd_jwt_audience_ok(const cJSON *aud, const char *want)
{
    const cJSON  *it;

    if (cJSON_IsString(aud)) {
        return strcmp(aud->valuestring, want) == 0;
    }

    if (!cJSON_IsArray(aud)) {
        return 0;
    }

    cJSON_ArrayForEach(it, aud) {
        if (cJSON_IsString(it) && strcmp(it->valuestring, want) == 0) {
            return 1;
        }
    }

    return 0;
}


/* The roles claim: an exact top-level name first, else a dotted path. */
static const cJSON *
hd_jwt_roles_claim(const cJSON *payload, const char *path, int *dup)
{
    size_t        n;
    const char   *dot;
    const cJSON  *v;

    if (path == NULL || path[0] == '\0') {
        return NULL;
    }

    v = hd_jwt_get(payload, path, dup);
    if (v != NULL || strchr(path, '.') == NULL) {
        return v;
    }

    v = payload;

    for ( ;; ) {
        dot = strchr(path, '.');
        n = dot != NULL ? (size_t) (dot - path) : strlen(path);

        if (!cJSON_IsObject(v)) {
            return NULL;
        }

        v = hd_jwt_get_n(v, path, n, dup);

        if (v == NULL || dot == NULL) {
            return v;
        }

        path = dot + 1;
    }
}


static void
hd_jwt_add_role(hd_jwt_claims_t *out, const cJSON *role)
{
    size_t  n;

    n = cJSON_IsString(role) ? strlen(role->valuestring) : 0;

    if (n == 0 || n > HD_JWT_ROLE_MAX || out->nroles == HD_JWT_ROLES_MAX) {
        out->roles_dropped++;
        return;
    }

    memcpy(out->roles[out->nroles++], role->valuestring, n + 1);
}


static void
hd_jwt_copy_roles(hd_jwt_claims_t *out, const cJSON *roles)
{
    const cJSON  *it;

    if (cJSON_IsString(roles)) {
        hd_jwt_add_role(out, roles);
        return;
    }

    if (cJSON_IsArray(roles)) {
        cJSON_ArrayForEach(it, roles) {
            hd_jwt_add_role(out, it);
        }

    } else if (roles != NULL && !cJSON_IsNull(roles)) {
        out->roles_dropped++;
    }
}


/* Copies the UTF-8 string s, cut at a character boundary to fit max bytes. */
static void
hd_jwt_copy_cut(char *dst, const char *s, size_t max)
{
    size_t  n;

    n = strlen(s);

    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char) s[n] & 0xc0) == 0x80) {
            n--;
        }
    }

    memcpy(dst, s, n);
    dst[n] = '\0';
}


static void
hd_jwt_email_verified(hd_jwt_claims_t *out, const cJSON *v)
{
    if (cJSON_IsTrue(v)) {
        out->email_verified = HD_JWT_TRUE;

    } else if (cJSON_IsFalse(v)) {
        out->email_verified = HD_JWT_FALSE;

    } else if (cJSON_IsString(v) && strcmp(v->valuestring, "true") == 0) {
        out->email_verified = HD_JWT_TRUE;      /* e.g. Amazon Cognito */

    } else if (cJSON_IsString(v) && strcmp(v->valuestring, "false") == 0) {
        out->email_verified = HD_JWT_FALSE;
    }
}


static hd_jwt_code_t
hd_jwt_check_claims(const cJSON *payload, const hd_jwt_expect_t *expect,
    int64_t now, hd_jwt_claims_t *out, hd_jwt_error_t *e)
{
    int                dup;
    int64_t            exp, nbf, iat, skew;
    size_t             n;
    const char        *s;
    hd_jwt_payload_t   p;

    dup = 0;
    p.iss = hd_jwt_get(payload, "iss", &dup);
    p.aud = hd_jwt_get(payload, "aud", &dup);
    p.exp = hd_jwt_get(payload, "exp", &dup);
    p.nbf = hd_jwt_get(payload, "nbf", &dup);
    p.iat = hd_jwt_get(payload, "iat", &dup);
    p.nonce = hd_jwt_get(payload, "nonce", &dup);
    p.at_hash = hd_jwt_get(payload, "at_hash", &dup);
    p.sub = hd_jwt_get(payload, "sub", &dup);
    p.email = hd_jwt_get(payload, "email", &dup);
    p.email_verified = hd_jwt_get(payload, "email_verified", &dup);
    p.name = hd_jwt_get(payload, "name", &dup);
    p.preferred_username = hd_jwt_get(payload, "preferred_username", &dup);
    p.roles = hd_jwt_roles_claim(payload, expect->roles_claim, &dup);

    if (dup) {
        return hd_jwt_fail(e, HD_JWT_MALFORMED, "a claim appears twice");
    }

    s = hd_jwt_str(p.iss);
    if (s == NULL || expect->issuer == NULL || strcmp(s, expect->issuer) != 0)
    {
        return hd_jwt_fail(e, HD_JWT_BAD_ISSUER, "issuer not accepted");
    }

    if (expect->audience == NULL
        || !hd_jwt_audience_ok(p.aud, expect->audience))
    {
        return hd_jwt_fail(e, HD_JWT_BAD_AUDIENCE,
                           "token not meant for this audience");
    }

    exp = hd_jwt_time(p.exp, 0);
    nbf = hd_jwt_time(p.nbf, 1);
    iat = hd_jwt_time(p.iat, 1);

    if (exp < 0 || nbf == -2 || iat == -2) {
        return hd_jwt_fail(e, HD_JWT_BAD_CLAIM,
                           "exp missing, or exp, nbf or iat not a time");
    }

    skew = expect->skew_seconds < 0 ? 0 : expect->skew_seconds;
    if (skew > HD_JWT_SKEW_MAX) {
        skew = HD_JWT_SKEW_MAX;
    }

    /* every time is at most year 9999 and skew a day: no overflow */

    if (now >= exp + skew) {
        return hd_jwt_fail(e, HD_JWT_EXPIRED, "token expired");
    }

    if (nbf >= 0 && now < nbf - skew) {
        return hd_jwt_fail(e, HD_JWT_NOT_YET_VALID, "token not yet valid");
    }

    if (iat >= 0 && now < iat - skew) {
        return hd_jwt_fail(e, HD_JWT_NOT_YET_VALID,
                           "token issued in the future");
    }

    if (p.nonce != NULL || p.at_hash != NULL) {
        return hd_jwt_fail(e, HD_JWT_ID_TOKEN,
                           "an ID token is not an access token");
    }

    s = hd_jwt_str(p.sub);
    n = s != NULL ? strlen(s) : 0;

    if (n == 0) {
        return hd_jwt_fail(e, HD_JWT_NO_SUBJECT, "sub missing or empty");
    }

    if (n > HD_JWT_SUB_MAX) {
        return hd_jwt_fail(e, HD_JWT_BAD_CLAIM, "sub too long");
    }

    memcpy(out->sub, s, n + 1);

    if (p.email != NULL && !cJSON_IsNull(p.email)) {
        s = hd_jwt_str(p.email);
        n = s != NULL ? strlen(s) : 0;

        if (s == NULL || n > HD_JWT_EMAIL_MAX) {
            return hd_jwt_fail(e, HD_JWT_BAD_CLAIM,
                               "email not a string or too long");
        }

        memcpy(out->email, s, n + 1);
    }

    hd_jwt_email_verified(out, p.email_verified);

    s = hd_jwt_str(p.name);
    if (s == NULL || s[0] == '\0') {
        s = hd_jwt_str(p.preferred_username);
    }

    if (s != NULL) {
        hd_jwt_copy_cut(out->name, s, HD_JWT_NAME_MAX);
    }

    hd_jwt_copy_roles(out, p.roles);
    out->exp = exp;

    return HD_JWT_OK;
}


/* --- verification -------------------------------------------------------- */


/* 1 when typ is absent or names a JWT access token (media types: any case). */
static int
hd_jwt_typ_ok(const cJSON *typ)
{
    const char  *s;

    if (typ == NULL) {
        return 1;
    }

    s = hd_jwt_str(typ);

    return s != NULL
           && (strcasecmp(s, "JWT") == 0
               || strcasecmp(s, "application/jwt") == 0
               || strcasecmp(s, "at+jwt") == 0
               || strcasecmp(s, "application/at+jwt") == 0);
}


/* Header checks and key selection; *key is set on HD_JWT_OK. */
static hd_jwt_code_t
hd_jwt_check_header(const hd_jwks_t *keys, const cJSON *hdr,
    const hd_jwk_t **key, hd_jwt_claims_t *out, hd_jwt_error_t *e)
{
    int            dup, known;
    size_t         n;
    const char    *alg, *kid;
    const cJSON   *typ, *crit;
    hd_jwt_alg_t   a;

    dup = 0;
    alg = hd_jwt_str(hd_jwt_get(hdr, "alg", &dup));
    kid = hd_jwt_str(hd_jwt_get(hdr, "kid", &dup));
    typ = hd_jwt_get(hdr, "typ", &dup);
    crit = hd_jwt_get(hdr, "crit", &dup);

    if (dup) {
        return hd_jwt_fail(e, HD_JWT_MALFORMED,
                           "a header parameter appears twice");
    }

    if (alg != NULL && strcmp(alg, "RS256") == 0) {
        a = HD_JWT_ALG_RS256;

    } else if (alg != NULL && strcmp(alg, "ES256") == 0) {
        a = HD_JWT_ALG_ES256;

    } else {
        return hd_jwt_fail(e, HD_JWT_BAD_ALG,
                           "alg must be RS256 or ES256");
    }

    if (crit != NULL) {
        return hd_jwt_fail(e, HD_JWT_BAD_TYPE,
                           "critical header extensions not supported");
    }

    if (!hd_jwt_typ_ok(typ)) {
        return hd_jwt_fail(e, HD_JWT_BAD_TYPE, "typ is not an access token");
    }

    n = kid != NULL ? strlen(kid) : 0;

    if (n == 0 || n > HD_JWT_KID_MAX || keys == NULL) {
        return hd_jwt_fail(e, HD_JWT_UNKNOWN_KID, "no key for this kid");
    }

    known = 0;
    *key = hd_jwks_find(keys, kid, a, &known);

    if (*key == NULL) {
        return known ? hd_jwt_fail(e, HD_JWT_BAD_ALG,
                                   "alg does not match the key's")
                     : hd_jwt_fail(e, HD_JWT_UNKNOWN_KID,
                                   "no key for this kid");
    }

    memcpy(out->kid, kid, n + 1);
    out->alg = a;

    return HD_JWT_OK;
}


/*
 * The part of verification that may fail; scratch holds the three decoded
 * segments, one after the other.
 */
static hd_jwt_code_t
hd_jwt_verify_compact(const hd_jwks_t *keys, const char *token, size_t len,
    const hd_jwt_expect_t *expect, int64_t now, unsigned char *scratch,
    hd_jwt_claims_t *out, hd_jwt_error_t *e)
{
    size_t           hlen, plen, slen, hdec, pdec, sdec;
    cJSON           *doc;
    const char      *dot1, *dot2;
    hd_jwt_code_t    rc;
    const hd_jwk_t  *key;
    unsigned char   *hbuf, *pbuf, *sbuf;

    dot1 = memchr(token, '.', len);
    dot2 = dot1 != NULL ? memchr(dot1 + 1, '.', len - (dot1 + 1 - token))
                        : NULL;

    if (dot2 == NULL || memchr(dot2 + 1, '.', len - (dot2 + 1 - token))) {
        return hd_jwt_fail(e, HD_JWT_MALFORMED,
                           "token is not three dot-separated segments");
    }

    hlen = (size_t) (dot1 - token);
    plen = (size_t) (dot2 - dot1 - 1);
    slen = len - (size_t) (dot2 + 1 - token);

    hbuf = scratch;
    pbuf = hbuf + HD_B64URL_DECODED_MAX(hlen);
    sbuf = pbuf + HD_B64URL_DECODED_MAX(plen);

    if (hlen == 0 || plen == 0 || slen == 0
        || hd_b64url_decode(token, hlen, hbuf, HD_B64URL_DECODED_MAX(hlen),
                            &hdec) != 0
        || hd_b64url_decode(dot1 + 1, plen, pbuf, HD_B64URL_DECODED_MAX(plen),
                            &pdec) != 0
        || hd_b64url_decode(dot2 + 1, slen, sbuf, HD_B64URL_DECODED_MAX(slen),
                            &sdec) != 0)
    {
        return hd_jwt_fail(e, HD_JWT_MALFORMED,
                           "a segment is empty or not base64url");
    }

    doc = hd_jwt_parse_object(hbuf, hdec);
    if (doc == NULL) {
        return hd_jwt_fail(e, HD_JWT_MALFORMED,
                           "header is not a JSON object");
    }

    key = NULL;
    rc = hd_jwt_check_header(keys, doc, &key, out, e);
    cJSON_Delete(doc);

    if (rc != HD_JWT_OK) {
        return rc;
    }

    rc = hd_jwt_check_signature(key, (const unsigned char *) token,
                                hlen + 1 + plen, sbuf, sdec);

    if (rc == HD_JWT_INTERNAL) {
        return hd_jwt_fail(e, rc, "signature check could not run");
    }

    if (rc != HD_JWT_OK) {
        return hd_jwt_fail(e, rc, "signature does not verify");
    }

    doc = hd_jwt_parse_object(pbuf, pdec);
    if (doc == NULL) {
        return hd_jwt_fail(e, HD_JWT_MALFORMED,
                           "payload is not a JSON object");
    }

    rc = hd_jwt_check_claims(doc, expect, now, out, e);
    cJSON_Delete(doc);

    return rc;
}


hd_jwt_code_t
hd_jwt_verify(const hd_jwks_t *keys, const char *token, size_t len,
    const hd_jwt_expect_t *expect, int64_t now, hd_jwt_claims_t *out,
    hd_jwt_error_t *err)
{
    hd_jwt_code_t    rc;
    hd_jwt_error_t   local;
    unsigned char   *scratch;

    if (err == NULL) {
        err = &local;
    }

    memset(out, 0, sizeof(hd_jwt_claims_t));
    hd_jwt_fail(err, HD_JWT_OK, "token verified");

    if (token == NULL || len == 0) {
        return hd_jwt_fail(err, HD_JWT_MALFORMED, "empty token");
    }

    if (len > HD_JWT_TOKEN_MAX) {
        return hd_jwt_fail(err, HD_JWT_TOO_LARGE, "token too large");
    }

    /* three segments decode to at most 3/4 of their length each */

    scratch = malloc(HD_B64URL_DECODED_MAX(len) + 3);
    if (scratch == NULL) {
        return hd_jwt_fail(err, HD_JWT_INTERNAL, "out of memory");
    }

    rc = hd_jwt_verify_compact(keys, token, len, expect, now, scratch, out,
                               err);
    free(scratch);

    if (rc != HD_JWT_OK) {
        memset(out, 0, sizeof(hd_jwt_claims_t));
        ERR_clear_error();
    }

    return rc;
}
