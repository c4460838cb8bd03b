#include <stdio.h>

#include <gvc.h>
#include <igraph_version.h>
#include <jansson.h>
#include <libxml/xmlversion.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <utf8proc.h>
#include <zlib.h>

#include "ccg_common.h"
#include "read.h"

/* Lives in export/ because this is the layer that links every library. */
size_t ccg_library_versions(char *buf, size_t size)
{
    char pcre[64] = "";
    pcre2_config(PCRE2_CONFIG_VERSION, pcre);
    GVC_t *gvc = gvContext();
    const char *gv = gvc ? gvcVersion(gvc) : "?";
    int n = snprintf(buf, size,
                     "igraph %s\nGraphviz %s\nPCRE2 %s\nlibxml2 %s\njansson %s\nzlib %s\nutf8proc %s\n"
                     "gzip input: %s\n",
                     IGRAPH_VERSION, gv, pcre, LIBXML_DOTTED_VERSION, JANSSON_VERSION,
                     zlibVersion(), utf8proc_version(), ccg__input_inflater());
    if (gvc)
        gvFreeContext(gvc);
    return n < 0 ? 0 : (size_t)n;
}
