mod update_package;
