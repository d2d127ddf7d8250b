mod spa;
