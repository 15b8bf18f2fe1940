#ifndef KITH_LIBXML2_SHIM_H
#define KITH_LIBXML2_SHIM_H
#include <libxml/xmlversion.h>
// Debian's libxml2 is built with ICU, so encoding.h would pull in the system's ICU headers,
// which clash with the ICU copy inside Swift's Foundation. Only the layout of
// xmlCharEncodingHandler depends on this setting, and Kith never reads its fields.
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#endif
