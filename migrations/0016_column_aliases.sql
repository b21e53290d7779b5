-- The column names other tools export (Apollo, HubSpot, Salesforce, Sales Navigator,
-- ZoomInfo, Clay, spreadsheets) for our input fields. A header matches a field when its whole
-- normalised form (lower case, letters and digits only) is the field's own name or one of
-- these aliases: never a part of it (Company Linkedin Url is not linkedin_url). Read by the
-- loader and by enrich.create_batch alike.
-- depends: 0015_workflow_create

create table enrich.column_aliases (
  alias  text primary key,
  field  text not null,
  constraint alias_is_normalised check (alias ~ '^[a-z0-9]+$'),
  constraint field_is_an_input_field check (field in (
    'email', 'first_name', 'last_name', 'full_name', 'linkedin_url', 'title', 'company_name',
    'company_domain', 'company_website'))
);
comment on table enrich.column_aliases is
  'Other names of the input fields, normalised (lower case, letters and digits only). A '
  'field''s own name, however spelled (First Name, first-name), matches without a row here.';

insert into enrich.column_aliases (alias, field) values
  ('emailaddress', 'email'), ('workemail', 'email'), ('businessemail', 'email'),
  ('primaryemail', 'email'), ('contactemail', 'email'), ('personemail', 'email'),
  ('emails', 'email'),
  ('givenname', 'first_name'), ('fname', 'first_name'), ('contactfirstname', 'first_name'),
  ('surname', 'last_name'), ('familyname', 'last_name'), ('lname', 'last_name'),
  ('contactlastname', 'last_name'),
  ('contactname', 'full_name'), ('personname', 'full_name'), ('contactfullname', 'full_name'),
  ('personlinkedinurl', 'linkedin_url'), ('linkedinprofile', 'linkedin_url'),
  ('linkedinprofileurl', 'linkedin_url'), ('linkedin', 'linkedin_url'),
  ('contactlinkedinurl', 'linkedin_url'), ('profileurl', 'linkedin_url'),
  ('jobtitle', 'title'), ('position', 'title'), ('currenttitle', 'title'),
  ('contacttitle', 'title'), ('currentjobtitle', 'title'),
  ('company', 'company_name'), ('accountname', 'company_name'), ('organization', 'company_name'),
  ('organizationname', 'company_name'), ('employer', 'company_name'),
  ('currentcompany', 'company_name'),
  ('domain', 'company_domain'), ('companydomainname', 'company_domain'),
  ('accountdomain', 'company_domain'), ('websitedomain', 'company_domain'),
  ('website', 'company_website'), ('companyurl', 'company_website'),
  ('accountwebsite', 'company_website'), ('websiteurl', 'company_website'),
  ('homepage', 'company_website'), ('companywebsiteurl', 'company_website');
