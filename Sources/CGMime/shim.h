#ifndef KITH_GMIME_SHIM_H
#define KITH_GMIME_SHIM_H
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <gmime/gmime.h>

// GMime's type checks and casts are macros; these functions expose the ones Kith uses.
static inline int kith_gmime_is_multipart(GMimeObject *object) { return GMIME_IS_MULTIPART(object); }
static inline int kith_gmime_is_part(GMimeObject *object) { return GMIME_IS_PART(object); }
static inline int kith_gmime_is_message_part(GMimeObject *object) { return GMIME_IS_MESSAGE_PART(object); }
static inline int kith_gmime_is_multipart_encrypted(GMimeObject *object) { return GMIME_IS_MULTIPART_ENCRYPTED(object); }
static inline int kith_gmime_is_multipart_signed(GMimeObject *object) { return GMIME_IS_MULTIPART_SIGNED(object); }
static inline int kith_gmime_is_mailbox(InternetAddress *address) { return INTERNET_ADDRESS_IS_MAILBOX(address); }
static inline int kith_gmime_is_group(InternetAddress *address) { return INTERNET_ADDRESS_IS_GROUP(address); }
static inline void kith_gmime_unref(void *object) { if (object) g_object_unref(object); }

// Creates the parser options Kith parses all mail with: loose RFC compliance everywhere,
// addresses without a domain allowed, and raw 8-bit header text read as UTF-8 when it is
// valid UTF-8, else as windows-1252 (a superset of ISO-8859-1). The caller frees the result
// with g_mime_parser_options_free.
static inline GMimeParserOptions *kith_gmime_make_parser_options(void) {
  GMimeParserOptions *options = g_mime_parser_options_new();
  const char *charsets[] = { "UTF-8", "windows-1252", NULL };
  g_mime_parser_options_set_address_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_parameter_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_rfc2047_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_allow_addresses_without_domain(options, TRUE);
  g_mime_parser_options_set_fallback_charsets(options, charsets);
  return options;
}

// Parses `length` bytes as one message. The bytes are copied, so the caller may free them.
// Returns NULL when GMime finds no message; the caller unrefs a non-NULL result.
static inline GMimeMessage *kith_gmime_parse_message(const void *bytes, size_t length,
                                                     GMimeParserOptions *options) {
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer((const char *) bytes, length);
  GMimeParser *parser = g_mime_parser_new_with_stream(stream);
  g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
  GMimeMessage *message = g_mime_parser_construct_message(parser, options);
  g_object_unref(parser);
  g_object_unref(stream);
  return message;
}

// Writes the part's content with its transfer encoding removed into a new byte array,
// or returns NULL when the part has no content. The caller frees the array with
// g_byte_array_free(array, TRUE).
static inline GByteArray *kith_gmime_part_decoded_content(GMimePart *part) {
  GMimeDataWrapper *content = g_mime_part_get_content(part);
  if (content == NULL) return NULL;
  GByteArray *array = g_byte_array_new();
  GMimeStream *stream = g_mime_stream_mem_new_with_byte_array(array);
  g_mime_stream_mem_set_owner((GMimeStreamMem *) stream, FALSE);
  g_mime_data_wrapper_write_to_stream(content, stream);
  g_object_unref(stream);
  return array;
}

// Returns the size in bytes of the part's content with its transfer encoding removed,
// without keeping the decoded bytes.
static inline size_t kith_gmime_part_decoded_size(GMimePart *part) {
  GMimeDataWrapper *content = g_mime_part_get_content(part);
  if (content == NULL) return 0;
  GMimeStream *stream = g_mime_stream_null_new();
  g_mime_data_wrapper_write_to_stream(content, stream);
  size_t written = ((GMimeStreamNull *) stream)->written;
  g_object_unref(stream);
  return written;
}

// Returns the size in bytes of the object as it would be written out (headers included).
static inline size_t kith_gmime_object_serialized_size(GMimeObject *object) {
  GMimeStream *stream = g_mime_stream_null_new();
  g_mime_object_write_to_stream(object, NULL, stream);
  size_t written = ((GMimeStreamNull *) stream)->written;
  g_object_unref(stream);
  return written;
}

// Writes the object (headers and content) into a new byte array. The caller frees the
// array with g_byte_array_free(array, TRUE).
static inline GByteArray *kith_gmime_object_bytes(GMimeObject *object) {
  GByteArray *array = g_byte_array_new();
  GMimeStream *stream = g_mime_stream_mem_new_with_byte_array(array);
  g_mime_stream_mem_set_owner((GMimeStreamMem *) stream, FALSE);
  g_mime_object_write_to_stream(object, NULL, stream);
  g_object_unref(stream);
  return array;
}

// Converts text/enriched (or text/richtext when `richtext` is nonzero) to HTML with GMime's
// enriched filter. The caller frees the array with g_byte_array_free(array, TRUE).
static inline GByteArray *kith_gmime_enriched_to_html(const char *text, size_t length, int richtext) {
  GByteArray *array = g_byte_array_new();
  GMimeStream *memory = g_mime_stream_mem_new_with_byte_array(array);
  g_mime_stream_mem_set_owner((GMimeStreamMem *) memory, FALSE);
  GMimeStream *filtered = g_mime_stream_filter_new(memory);
  GMimeFilter *filter = g_mime_filter_enriched_new(richtext ? GMIME_FILTER_ENRICHED_IS_RICHTEXT : 0);
  g_mime_stream_filter_add((GMimeStreamFilter *) filtered, filter);
  g_object_unref(filter);
  g_mime_stream_write(filtered, text, length);
  g_mime_stream_flush(filtered);
  g_object_unref(filtered);
  g_object_unref(memory);
  return array;
}

// Converts `length` bytes in `charset` to UTF-8 with iconv, through GMime's table of charset
// aliases (so names such as ks_c_5601-1987 resolve). Each byte that cannot be converted
// becomes U+FFFD and is counted in `*invalid_count`; a truncated sequence at the end counts
// as one. Returns NULL when iconv does not know the charset; else a NUL-terminated buffer of
// `*out_length` bytes that the caller frees with g_free.
static inline char *kith_gmime_convert_to_utf8(const char *charset, const char *input, size_t length,
                                               size_t *out_length, size_t *invalid_count) {
  iconv_t converter = g_mime_iconv_open("UTF-8", charset);
  if (converter == (iconv_t) -1) return NULL;
  size_t capacity = length * 2 + 64;
  char *output = g_malloc(capacity);
  char *in = (char *) input;
  size_t in_left = length;
  size_t used = 0;
  *invalid_count = 0;
  while (in_left > 0) {
    if (capacity - used < 64) {
      capacity = capacity * 2;
      output = g_realloc(output, capacity);
    }
    // Keeps 4 bytes free for one U+FFFD and the terminator.
    char *out = output + used;
    size_t out_left = capacity - used - 4;
    size_t result = iconv(converter, &in, &in_left, &out, &out_left);
    int error = errno;
    used = (size_t) (out - output);
    if (result != (size_t) -1) break;
    if (error == E2BIG) {
      capacity = capacity * 2;
      output = g_realloc(output, capacity);
      continue;
    }
    if (error != EILSEQ && error != EINVAL) break;
    memcpy(output + used, "\xEF\xBF\xBD", 3);
    used += 3;
    *invalid_count += 1;
    if (error == EINVAL) break;
    in += 1;
    in_left -= 1;
  }
  // Flushes the shift state of stateful charsets such as ISO-2022-JP.
  for (;;) {
    if (capacity - used < 64) {
      capacity = capacity * 2;
      output = g_realloc(output, capacity);
    }
    char *out = output + used;
    size_t out_left = capacity - used - 4;
    size_t result = iconv(converter, NULL, NULL, &out, &out_left);
    used = (size_t) (out - output);
    if (result != (size_t) -1 || errno != E2BIG) break;
  }
  g_mime_iconv_close(converter);
  output[used] = '\0';
  *out_length = used;
  return output;
}
#endif
