# validator/validator.mk - the validator module.
libresolute_a_SOURCES += validator/validator.c validator/validator.h
