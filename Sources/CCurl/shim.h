#ifndef KITH_CURL_SHIM_H
#define KITH_CURL_SHIM_H
#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call.
// These typed wrappers cover the argument kinds Kith passes.
static inline CURLcode kith_curl_setopt_long(CURL *handle, CURLoption option, long value) {
  return curl_easy_setopt(handle, option, value);
}
static inline CURLcode kith_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
  return curl_easy_setopt(handle, option, value);
}
static inline CURLcode kith_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
  return curl_easy_setopt(handle, option, value);
}
static inline CURLcode kith_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
  return curl_easy_setopt(handle, option, value);
}
static inline CURLcode kith_curl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
  return curl_easy_setopt(handle, option, value);
}
typedef size_t (*kith_curl_data_callback)(char *data, size_t size, size_t count, void *context);
static inline CURLcode kith_curl_setopt_callback(CURL *handle, CURLoption option, kith_curl_data_callback value) {
  return curl_easy_setopt(handle, option, value);
}
static inline CURLcode kith_curl_getinfo_socket(CURL *handle, curl_socket_t *socket) {
  return curl_easy_getinfo(handle, CURLINFO_ACTIVESOCKET, socket);
}
static inline CURLcode kith_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
  return curl_easy_getinfo(handle, info, value);
}

// CURL_GLOBAL_DEFAULT is a macro built from other macros, which Swift does not import.
static inline CURLcode kith_curl_global_init(void) {
  return curl_global_init(CURL_GLOBAL_DEFAULT);
}

// The option is spelled with three L's in curl 7.88; later releases renamed it.
static inline CURLcode kith_curl_allow_recipient_failures(CURL *handle, long allow) {
#ifdef CURLOPT_MAIL_RCPT_ALLOWFAILS
  return curl_easy_setopt(handle, CURLOPT_MAIL_RCPT_ALLOWFAILS, allow);
#else
  return curl_easy_setopt(handle, CURLOPT_MAIL_RCPT_ALLLOWFAILS, allow);
#endif
}
#endif
