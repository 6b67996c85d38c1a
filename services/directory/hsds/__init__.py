"""The directory in Open Referral HSDS 3.0 form: ids, vocabulary, export, import, validation."""
