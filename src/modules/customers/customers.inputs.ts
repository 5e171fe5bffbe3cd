import { IsEmail, IsOptional, Length, Matches } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { Customer, Device, DistanceClass, Site } from './customer.entity';

@InputType()
export class CreateCustomerInput implements Partial<Customer> {
  @Field() @Matches(/^[A-Z0-9-]{2,32}$/, { message: 'code must be 2-32 upper-case letters, digits or dashes' }) code: string;
  @Field() @Length(1, 200) name: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 200) contactName?: string;
  @Field({ nullable: true }) @IsOptional() @IsEmail() contactEmail?: string;
  @Field({ nullable: true }) @IsOptional() @Length(3, 64) contactPhone?: string;
}

@InputType()
export class CreateSiteInput implements Partial<Site> {
  @Field(() => ID) customerId: string;
  @Field() @Length(1, 200) name: string;
  @Field() @Length(1, 100) city: string;
  @Field() @Length(1, 40) region: string;
  @Field({ defaultValue: 'Asia/Shanghai' }) @Length(1, 64) timeZone: string;
  @Field({ defaultValue: 'CN' }) @Length(1, 16) calendarRegion: string;
  @Field(() => DistanceClass, { defaultValue: DistanceClass.URBAN }) distanceClass: DistanceClass;
  @Field({ nullable: true }) @IsOptional() @Length(1, 300) address?: string;
}

@InputType()
export class RegisterDeviceInput implements Partial<Device> {
  @Field() @Matches(/^[A-Za-z0-9._/-]{3,64}$/, { message: 'serialNumber must be 3-64 letters, digits or . _ / -' }) serialNumber: string;
  @Field() @Length(1, 100) vendor: string;
  @Field() @Length(1, 100) model: string;
  @Field({ nullable: true, description: 'Defaults to the model' }) @IsOptional() @Length(1, 64) equivalenceClass?: string;
  @Field(() => ID) siteId: string;
  @Field(() => ID, { nullable: true }) @IsOptional() contractId?: string;
  @Field({ nullable: true }) @IsOptional() installedAt?: Date;
  @Field({ nullable: true }) @IsOptional() warrantyStart?: Date;
  @Field({ nullable: true }) @IsOptional() warrantyEnd?: Date;
}
