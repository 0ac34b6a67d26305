/*
 * hd_secret — AES-256-GCM boxes under a key derived from the instance key
 * (see hd_secret.h).
 */

#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "hd_secret.h"


#define HD_SECRET_MAGIC     "hs1"
#define HD_SECRET_MAGIC_LEN 3
#define HD_SECRET_NONCE     12
#define HD_SECRET_TAG       16


/*
 * The purpose's own key: HMAC-SHA256(instance key, "helpdesk secret:" ‖
 * purpose), one HKDF-Expand block over a key that is already uniform.
 */
static int
hd_secret_subkey(const unsigned char key[HD_SECRET_KEY_LEN],
    const char *purpose, unsigned char sub[HD_SECRET_KEY_LEN])
{
    unsigned char  label[128];
    unsigned int   n = 0;
    size_t         plen = strlen(purpose);

    if (plen > sizeof(label) - 17) {
        return 0;
    }

    memcpy(label, "helpdesk secret:", 16);
    memcpy(label + 16, purpose, plen);

    return HMAC(EVP_sha256(), key, HD_SECRET_KEY_LEN, label, 16 + plen, sub,
                &n) != NULL && n == HD_SECRET_KEY_LEN;
}


size_t
hd_secret_seal(const unsigned char key[HD_SECRET_KEY_LEN],
    const char *purpose, const void *plain, size_t len, unsigned char *out)
{
    unsigned char    sub[HD_SECRET_KEY_LEN], *nonce, *ct;
    EVP_CIPHER_CTX  *ctx;
    int              n, f, ok;

    if (len > HD_SECRET_MAX || !hd_secret_subkey(key, purpose, sub)) {
        return 0;
    }

    memcpy(out, HD_SECRET_MAGIC, HD_SECRET_MAGIC_LEN);
    nonce = out + HD_SECRET_MAGIC_LEN;
    ct = nonce + HD_SECRET_NONCE;

    if (RAND_bytes(nonce, HD_SECRET_NONCE) != 1) {
        return 0;
    }

    ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL) {
        return 0;
    }

    ok = EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, sub, nonce) == 1
         && EVP_EncryptUpdate(ctx, NULL, &n, (const unsigned char *) purpose,
                              (int) strlen(purpose)) == 1
         && EVP_EncryptUpdate(ctx, ct, &n, plain, (int) len) == 1
         && EVP_EncryptFinal_ex(ctx, ct + n, &f) == 1
         && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, HD_SECRET_TAG,
                                ct + len) == 1;

    EVP_CIPHER_CTX_free(ctx);
    OPENSSL_cleanse(sub, sizeof(sub));

    return ok ? len + HD_SECRET_OVERHEAD : 0;
}


long
hd_secret_open(const unsigned char key[HD_SECRET_KEY_LEN],
    const char *purpose, const unsigned char *box, size_t len, char *out)
{
    unsigned char        sub[HD_SECRET_KEY_LEN], tag[HD_SECRET_TAG];
    const unsigned char  *nonce, *ct;
    size_t               clen;
    EVP_CIPHER_CTX      *ctx;
    int                  n, f, ok;

    if (len < HD_SECRET_OVERHEAD
        || len - HD_SECRET_OVERHEAD > HD_SECRET_MAX
        || memcmp(box, HD_SECRET_MAGIC, HD_SECRET_MAGIC_LEN) != 0
        || !hd_secret_subkey(key, purpose, sub))
    {
        return -1;
    }

    nonce = box + HD_SECRET_MAGIC_LEN;
    ct = nonce + HD_SECRET_NONCE;
    clen = len - HD_SECRET_OVERHEAD;
    memcpy(tag, ct + clen, HD_SECRET_TAG);

    ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL) {
        OPENSSL_cleanse(sub, sizeof(sub));
        return -1;
    }

    n = 0;
    ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, sub, nonce) == 1
         && EVP_DecryptUpdate(ctx, NULL, &n, (const unsigned char *) purpose,
                              (int) strlen(purpose)) == 1
         && EVP_DecryptUpdate(ctx, (unsigned char *) out, &n, ct,
                              (int) clen) == 1
         && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, HD_SECRET_TAG,
                                tag) == 1
         && EVP_DecryptFinal_ex(ctx, (unsigned char *) out + n, &f) == 1;

    EVP_CIPHER_CTX_free(ctx);
    OPENSSL_cleanse(sub, sizeof(sub));

    if (!ok) {
        OPENSSL_cleanse(out, clen);
        return -1;
    }

    out[clen] = '\0';
    return (long) clen;
}
