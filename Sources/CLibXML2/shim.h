#ifndef KITH_LIBXML2_SHIM_H
#define KITH_LIBXML2_SHIM_H
#include <libxml/xmlversion.h>
// Debian's libxml2 is built with ICU, so encoding.h would pull in the system's ICU headers,
// which clash with the ICU copy inside Swift's Foundation. Only the layout of
// xmlCharEncodingHandler depends on this setting, and Kith never reads its fields.
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

static inline void kith_libxml2_ignore_generic_error(void *context, const char *message, ...) {
  (void) context;
  (void) message;
}

static inline void kith_libxml2_ignore_structured_error(void *context, xmlErrorPtr error) {
  (void) context;
  (void) error;
}

// Stops libxml2 from printing parser errors to standard error. libxml2 2.9 keeps both error
// handlers per thread, so this must run on every thread that parses, before it parses.
static inline void kith_libxml2_silence_errors(void) {
  xmlSetGenericErrorFunc(NULL, kith_libxml2_ignore_generic_error);
  xmlSetStructuredErrorFunc(NULL, kith_libxml2_ignore_structured_error);
}

// Parses UTF-8 HTML leniently: recovers from errors, reports none, loads nothing from the
// network and ignores any charset the document declares, because the caller already
// converted it to UTF-8. The caller frees the result with xmlFreeDoc.
static inline htmlDocPtr kith_libxml2_parse_html(const char *utf8, int length) {
  int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET
      | HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC;
  return htmlReadMemory(utf8, length, NULL, "UTF-8", options);
}

// Parses like kith_libxml2_parse_html and sets *too_deep to 1 when libxml2 stopped because
// elements nest deeper than its limit (256 levels in 2.9 without XML_PARSE_HUGE). It then
// reports XML_ERR_INTERNAL_ERROR and parses nothing after that point.
static inline htmlDocPtr kith_libxml2_parse_html_checked(const char *utf8, int length, int *too_deep) {
  *too_deep = 0;
  htmlParserCtxtPtr context = htmlCreateMemoryParserCtxt(utf8, length);
  if (context == NULL) return NULL;
  int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET
      | HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC;
  htmlCtxtUseOptions(context, options);
  xmlSwitchEncoding(context, XML_CHAR_ENCODING_UTF8);
  htmlParseDocument(context);
  htmlDocPtr document = context->myDoc;
  context->myDoc = NULL;
  if (context->errNo == XML_ERR_INTERNAL_ERROR) *too_deep = 1;
  htmlFreeParserCtxt(context);
  return document;
}
#endif
