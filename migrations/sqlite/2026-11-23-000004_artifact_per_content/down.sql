DROP INDEX artifacts_content;
