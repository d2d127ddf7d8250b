DROP TABLE token_downloads;
