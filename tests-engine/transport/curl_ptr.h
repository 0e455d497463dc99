// Owning handles for libcurl objects (transport/ only: DESIGN.md keeps libcurl there).
#pragma once

#include <curl/curl.h>

#include <memory>

#include "core/c_handle.h"

namespace cxa {

using CurlEasyPtr = CHandle<CURL, curl_easy_cleanup>;
using CurlSlistPtr = CHandle<curl_slist, curl_slist_free_all>;
using CurlUrlPtr = CHandle<CURLU, curl_url_cleanup>;
using CurlSharePtr = CHandle<CURLSH, curl_share_cleanup>;

// A string libcurl allocated (curl_url_get and friends).
using CurlStringPtr = CHandle<char, curl_free>;

}  // namespace cxa
