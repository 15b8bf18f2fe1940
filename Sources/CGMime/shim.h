#ifndef KITH_GMIME_SHIM_H
#define KITH_GMIME_SHIM_H
#include <gmime/gmime.h>

// GMime's type checks and casts are macros; these functions expose the ones Kith uses.
static inline int kith_gmime_is_multipart(GMimeObject *object) { return GMIME_IS_MULTIPART(object); }
static inline int kith_gmime_is_part(GMimeObject *object) { return GMIME_IS_PART(object); }
static inline int kith_gmime_is_message_part(GMimeObject *object) { return GMIME_IS_MESSAGE_PART(object); }
static inline void kith_gmime_unref(void *object) { if (object) g_object_unref(object); }
#endif
