/* Test keys for t/unit/test_jwt.c: two RSA 2048-bit keys and one of 1024 bits, made once with
 * `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:N`. They sign nothing outside
 * the tests. Fixed keys instead of EVP_RSA_gen at every run: generating them took minutes
 * under valgrind (t/valgrind.t). */
#ifndef FC_JWT_TEST_KEYS_H
#define FC_JWT_TEST_KEYS_H

static const char JWT_TEST_KEY1[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCz6vmhL2m3ZUsh\n"
    "4ahVbv05T/q4TlfT3Jct4GjmZLtmVXjkHxWjVCw/KsnPdPqtQOmYkJMgCg1/lfiy\n"
    "dNl0mNGuy2oFaUH4CdINBTbg1yPfXb0Hjfq90E2xjwgEfizO5kMp7MG6gSTgI2G3\n"
    "L5Imc6bwHSzG9tgAiebojIb+WTFxW71PoD3YC3VnbFhkirvJUr7v7aF7FmzPMz4Z\n"
    "+V+enwamUeQxDpNGZxBdOjAqUlFaUZGsNAAdEKxe9uOyDhNhLzM9RJsUpqg0n3x4\n"
    "iAtTAI/aA73kwf+No6/QXfU4L8/sk0X+QbifI3w5AsBYBYfqp6bVa5vvpmZJZMzS\n"
    "ob9iR4HzAgMBAAECggEATDWL56qdrQFLAd8D3qxUtqIaIVeN/D/ECbq0tGKWvpIV\n"
    "0wsXr0dINrl5Ilb6l8iXKfiTWU7oyNJNtcmpEqpopxGipwge2WHPh5Rd2n9GwqaC\n"
    "G2EYhK5nOn7Ldpu7fygp6uhOZyGs7QQPr/iGf6MdYzf4b46/j/rZxEdCJxrAxrLP\n"
    "XibvuGipeegMzu5PATsDKdxvAh0cgnYwtU5wqWapHP2EaOW0UEYHCoObbryqdxcm\n"
    "o4yAtMyCHv/3g7TCY/kfmM11tMN9P2eVIYdKZGqgMoaA/AISJiBxQmInHo2IEdG4\n"
    "v7qBHAKkBLc4qqMH+I1WNtil8W+TBRTzGaKfffI8AQKBgQDem+fxv6t8fR/Fw4n1\n"
    "7VJ7fqTgkDVJV07vIM3ZcvFLyn5VcUNa0gxsAHqpPiCrpj3jDkvy8hGrtLr2H9XN\n"
    "inZnSZrIsntpNY3MkwqdOWdCuh1U3n2Vdw1usegELGslmcdEdiSGCtetPSNCgtEk\n"
    "vXmeeiVtnk6R+qU8luhmSHUlkwKBgQDO579AcdxXB1o7qEcsaUMQMpQ3tYCBdj5u\n"
    "vPov7cmYAMznqbct7F1gx3n518Hd4rAbQ0gRSZCSMO2qjKWy8g9gOORD+g+itrmO\n"
    "wtk+exVZQAEVoqR8mp7kSKDwTTzbnHtYkrUqsvO4fQYGvhQyhovi1xRWp1BpJJ94\n"
    "MhSY/CXuIQKBgGl/c64DSy8lUXB1GiXdwhBa1aLDVS2b3gHABy59pdNodPTjR6t8\n"
    "Dn0EwR0CH5OZpoy70syhYjSA43YPYlEVxMVwgZWJ2Kjkw33nVclrUf+ymoIFK3kx\n"
    "QcFrOOz5bBIWzfQpFWgdLVehuNslih6iWUf81U4dD1lpcvPDBQKsZjBXAoGAeKkH\n"
    "jIKaF5qvEXlaQFkGhgypCS/syBL358aHNKo8VUuqMzNzIvHjpsvNo1kiss4/GzcK\n"
    "cSJwkAC+qSYqf4fQVbH31Hig46gh4FJbNKe81HaR61cVC6F0JfcA/AJfCkdgW0/7\n"
    "HPKNVTp76DSzPJ/gNiJttvcN2rND2GmEP49UY2ECgYEAi7uUXgcQi0BZl2PLk9yG\n"
    "RpQKNcMEOazLVst0I6f4vEE8uAK4PUCtbdPZcB0+Vlg+boQk/MOLOVsvWcftyLhd\n"
    "/L9n9/Hy9TLQBQ1oXp0SV1bR3hfVohLc/N2T+Ww+vkCKXor4MTZjVpG8vEMobHGg\n"
    "5uoPauVv4moo3P8YpFOsfs8=\n"
    "-----END PRIVATE KEY-----\n";

static const char JWT_TEST_KEY2[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQC3SjhG+knzskxm\n"
    "w9/NDd+SKjzfg866DYjnwHnP1KVWXucjXcHcrY9pwD2jLR/Wa+SH9Tf1ByUsjTIk\n"
    "v2iKCTMhQymhtp6RpRJhHk0MrGf+1vv65mdWbogRM93MBEfJJt/yZ5bEzh069E3B\n"
    "5CYwo9cEKoejTZVq97CbY5U/i816NUEi68wcGPkfjlBVIUDkgruwxDDewMTaUjb1\n"
    "b8JBGxsiNqDaFPWnMJlmKg1n4FALVTcOR3GbpwhxuhcAWC5fwckOmUHzGN1gBTcW\n"
    "FjQQXV4YI7OSQM6c2WlzhwmRQ392A1BbAbGTIIYwGeoRpVM2BnZAi8JtqaaO/0Ik\n"
    "hRTwqZwBAgMBAAECggEABToMuYpu5DAKEXalucpa3SdO8dVHhoL3C9vPZXO0DM7b\n"
    "QsUMT5OT9sEsiMwTP7k3LMDbigVchCUZIFbkf2Y0gu7wP5wucKsPR312l0VN2GSv\n"
    "Thf2q65ueyYaXbRkCyqMgZQ+ZomVqA4aLwynYaT0b1oaoNeoKoMack3wTj35e7H/\n"
    "ZNHkjykmRN42Jcn16RNKkBeSZjvd54SapQOBVNTYyT3PRHghlNeWmyj6DOg5mmbu\n"
    "+ikyDC+ljpebmqZibZAUxUu/5hLTnWMPKUZ5DVySdrQXI/GKQEOh2r5KJL+i0OIM\n"
    "eM7j5LH4048zZXIqMDcddW9srOfX9b06FH+XGSZcIQKBgQDyoQTWMTessrzgQgu8\n"
    "MGuB74sCnik2Ovf9T4iaGnDmFNA+Zz5bijVU5i6zR29IE2RsfXVaY/5iFcPjtmgA\n"
    "ZOCr+MgVYwvrXku6oc+u929Ot9gNjBmLVvXOWqGO0LSu32YPyTkeCY+yMVB5fgpn\n"
    "Nl8d5HoYvYzDi6dyfwwVEDtAUQKBgQDBZA1vPaxqnB0ILK9E5lXFzKSOw8h94A6+\n"
    "Xcd3jcUXOtSIdPDt+72MNaiNdYUu2ok7suwfaxGG1ol2SdqptxKWJEhsZyGEnYz1\n"
    "9jNU/QmMdAfLwfJLBak8W5p7G0T0yGziNZR++oH615bqwq8XTQ7CSk/Nf1hWdZxc\n"
    "S3hV60rksQKBgCiJ6sr28jxyqMg3gMpytKPDKFDJqE0dUS4LyeElpdNritfCXFLj\n"
    "JsIGq6rctqUuSEswMxllN62fwVkcswfN0xQovxWDtQwgdzq5qn+ra/eVFA4/aE01\n"
    "vGA8GF5KVMYbIWxlzJtOMaouPynte0N/fCj8ccIMeaZ6gQHKZHRof93hAoGAbm7j\n"
    "/RIK0xYyvehGbeHaOQmTLrM+WiMISEzlCrA6S/mcRBADROLsapR5m83wL8E7fIu/\n"
    "qnFJoOYBuTqTUzbntjUh5kU+LqyJQitFRNL6EOpxSTmHUq/45C6rGIGJ7v5EryhJ\n"
    "k/kZIFTcKVLjCTtHokstJvwBRd4DW/D81pN2QQECgYBtjRnTGBPi422OtrdMkf/x\n"
    "gO5JQJbGFTCvmAbdbnoT7+ECLU3XkX+zx464WMhZpcJrBjl1xVyLk1dVcC5b546y\n"
    "y/ZalY9nsExbxFNSzA5oxAloVEAMfKeLCPzak3utZXZBAX36E7ImGF7/fDFGfkhK\n"
    "0vHz0o5IpnGZyKPu42CREw==\n"
    "-----END PRIVATE KEY-----\n";

static const char JWT_TEST_KEY_SMALL[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBAO8stF8X97MuAWFL\n"
    "tmQbmMKGi4bJB+fDIjWBMr9Sza8+VBfCsj7gqbWgbnzjiuxd+TIiHMa+PBtE/515\n"
    "DhNHDBi8xiypAahsUf1qa/7/PiRliMiaxFc8S2NJGk8In3GbCKeRTXXxc6nUBjGZ\n"
    "e+qE6psFTGNOeKV7WSm0n/93T7HdAgMBAAECgYB8ouc7xtml3guKEFJzyI3KkSKU\n"
    "kp40AFQLXdB8M0JMWEaqOyN38Mt/gqMRIeJ7Wl1J6szkJK5d547tGPBky1lZaOD5\n"
    "i1PSwxpGmKCunFE37X8e9CjI9PU2I7vMC5krnj4BKJVZqw/2luNDfQadpbLl1wXR\n"
    "E9GWn25TaEC+PQD1YQJBAPegwfcBX3sI5IuI/xpDWve9rjrE2BJC3v1zyLm4HAHR\n"
    "GfZ7BJofgxiM2beztvVxsDUpBvMYGt0dzRtt7rWHJ7sCQQD3QshU86VrhVn5KGMp\n"
    "pLO6+nGaScH8DVnU5qGZC0K2lrnAUA6hy7aph6hbFHWsAzwslISkhGIxS1oHzc/E\n"
    "97dHAkEAmIZFUs5esFre4u+EKfoY2wXTflFmwYC89yJNHc/AOIJCWqaVRBVq20FO\n"
    "jS8931qibWwS4sMTMOU9Q8rnwJo6JwJAFXW+XWEoIkTYoj9XG+4nizrhUTrFk1K1\n"
    "UT0TGW1YxPAf/wjzvCcqG1yiyATmkZ9WQahCOuUigJTBo5vBRJ8bUQJAMeKnH1Zj\n"
    "C82VyOLieslgic+Fn8TTRHSrVA9zzUVXlPw7qTil03DZqHIn76xH6FNS4HE+sRAa\n"
    "XQjNCCF16X7uvw==\n"
    "-----END PRIVATE KEY-----\n";

#endif
