#ifndef KITH_CURL_SHIM_H
#define KITH_CURL_SHIM_H
#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

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

// The sockets one libcurl handle opened and has not closed yet, so that another thread can
// shut them down while curl_easy_perform waits in a connect or TLS handshake. The lock makes
// a shutdown and curl's close exclusive, so a closed descriptor number that the process
// reuses for another file is never shut down. After kith_socket_slot_interrupt, new sockets
// fail to open. While it connects, curl has at most two sockets open (IPv4 and IPv6 tried
// side by side), so 16 places leave a wide margin. A socket beyond them fails to open.
#define KITH_SOCKET_SLOT_SIZE 16
typedef struct {
  pthread_mutex_t lock;
  int descriptors[KITH_SOCKET_SLOT_SIZE];
  int is_interrupted;
} kith_socket_slot;

static inline kith_socket_slot *kith_socket_slot_new(void) {
  kith_socket_slot *slot = calloc(1, sizeof(kith_socket_slot));
  if (slot == NULL) return NULL;
  pthread_mutex_init(&slot->lock, NULL);
  for (int i = 0; i < KITH_SOCKET_SLOT_SIZE; i++) slot->descriptors[i] = -1;
  return slot;
}

static inline void kith_socket_slot_free(kith_socket_slot *slot) {
  if (slot == NULL) return;
  pthread_mutex_destroy(&slot->lock);
  free(slot);
}

static inline void kith_socket_slot_interrupt(kith_socket_slot *slot) {
  pthread_mutex_lock(&slot->lock);
  slot->is_interrupted = 1;
  for (int i = 0; i < KITH_SOCKET_SLOT_SIZE; i++) {
    if (slot->descriptors[i] >= 0) shutdown(slot->descriptors[i], SHUT_RDWR);
  }
  pthread_mutex_unlock(&slot->lock);
}

static curl_socket_t kith_curl_open_socket(void *context, curlsocktype purpose,
                                           struct curl_sockaddr *address) {
  (void) purpose;
  kith_socket_slot *slot = context;
  pthread_mutex_lock(&slot->lock);
  curl_socket_t descriptor = CURL_SOCKET_BAD;
  int free_index = -1;
  for (int i = 0; i < KITH_SOCKET_SLOT_SIZE && free_index < 0; i++) {
    if (slot->descriptors[i] < 0) free_index = i;
  }
  if (!slot->is_interrupted && free_index >= 0) {
    descriptor = socket(address->family, address->socktype, address->protocol);
    if (descriptor >= 0) slot->descriptors[free_index] = descriptor;
  }
  pthread_mutex_unlock(&slot->lock);
  return descriptor;
}

static int kith_curl_close_socket(void *context, curl_socket_t descriptor) {
  kith_socket_slot *slot = context;
  pthread_mutex_lock(&slot->lock);
  for (int i = 0; i < KITH_SOCKET_SLOT_SIZE; i++) {
    if (slot->descriptors[i] == descriptor) slot->descriptors[i] = -1;
  }
  int result = close(descriptor);
  pthread_mutex_unlock(&slot->lock);
  return result;
}

// Makes `handle` open and close its sockets through `slot`.
static inline CURLcode kith_curl_use_socket_slot(CURL *handle, kith_socket_slot *slot) {
  CURLcode rc = curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, kith_curl_open_socket);
  if (rc == CURLE_OK) rc = curl_easy_setopt(handle, CURLOPT_OPENSOCKETDATA, slot);
  if (rc == CURLE_OK) rc = curl_easy_setopt(handle, CURLOPT_CLOSESOCKETFUNCTION, kith_curl_close_socket);
  if (rc == CURLE_OK) rc = curl_easy_setopt(handle, CURLOPT_CLOSESOCKETDATA, slot);
  return rc;
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
