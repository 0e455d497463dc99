// An owning pointer to an object of a C library, freed by that library's own function:
// CHandle<X509, X509_free>. The OpenSSL (cert/openssl_ptr.h) and libcurl (transport/curl_ptr.h)
// aliases are made from it.
#pragma once

#include <memory>

namespace cxa {

// Calls `Free` on the pointer it is given.
template <auto Free>
struct FreeWith {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};

template <typename T, auto Free>
using CHandle = std::unique_ptr<T, FreeWith<Free>>;

}  // namespace cxa
