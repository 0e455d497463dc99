// Owning handles for libcurl objects (transport/ only: DESIGN.md keeps libcurl there).
#pragma once

#include <curl/curl.h>

#include <memory>

namespace cxa {

template <auto Free>
struct CurlFreeFn {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};

using CurlEasyPtr = std::unique_ptr<CURL, CurlFreeFn<curl_easy_cleanup>>;
using CurlSlistPtr = std::unique_ptr<curl_slist, CurlFreeFn<curl_slist_free_all>>;
using CurlUrlPtr = std::unique_ptr<CURLU, CurlFreeFn<curl_url_cleanup>>;
using CurlSharePtr = std::unique_ptr<CURLSH, CurlFreeFn<curl_share_cleanup>>;

// A string libcurl allocated (curl_url_get and friends).
using CurlStringPtr = std::unique_ptr<char, CurlFreeFn<curl_free>>;

}  // namespace cxa
