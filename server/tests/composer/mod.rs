mod repository;
