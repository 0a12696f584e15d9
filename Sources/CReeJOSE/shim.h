/* What JWT signature checks need from OpenSSL's libcrypto: public keys from DER, EVP verification. */
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/err.h>
