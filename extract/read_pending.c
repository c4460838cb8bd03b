/* Formats whose readers are being written: refused clearly meanwhile. */
#include "read.h"
int ccg__open_atom(ccg_reader *r) { return ccg__err(CCG_EFORMAT, "%s: Atom input is not supported yet", r->file); }
int ccg__open_bibtex(ccg_reader *r) { return ccg__err(CCG_EFORMAT, "%s: BibTeX input is not supported yet", r->file); }
int ccg__open_ris(ccg_reader *r) { return ccg__err(CCG_EFORMAT, "%s: RIS input is not supported yet", r->file); }
int ccg__open_wos(ccg_reader *r) { return ccg__err(CCG_EFORMAT, "%s: WoS input is not supported yet", r->file); }
int ccg__open_scopus(ccg_reader *r) { return ccg__err(CCG_EFORMAT, "%s: Scopus input is not supported yet", r->file); }
